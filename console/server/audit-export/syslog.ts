/**
 * Shipping the audit log to a syslog receiver as it is written: each appended entry becomes one RFC 5424
 * message (rfc5424.ts) over UDP, TCP or TLS (octet-counted framing on the streams).
 *
 * The receiver is someone else's machine and may be down, slow or gone. Appending an audit entry must never wait
 * for it: an entry is formatted and queued synchronously, the queue is bounded (the oldest message is dropped and
 * counted when it is full, and said once in the console's log), and a lost connection is retried with backoff. A
 * message already handed to a connection that then breaks is lost with it; the console's own log is the record,
 * syslog a copy.
 */
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { readFile } from 'node:fs/promises';
import { hostname as osHostname } from 'node:os';
import { connect as tcpConnect, isIP, type Socket } from 'node:net';
import { connect as tlsConnect, createSecureContext } from 'node:tls';
import type { AuditTrail } from '../audit.js';
import { log } from '../log.js';
import type { AuditEntry } from '../storage/types.js';
import { formatSyslog, frameOctetCounted, type SyslogHeader } from './rfc5424.js';
import { facilityCode, syslogPort, type AuditSyslogConfig } from './syslog-config.js';

export interface AuditSyslogOptions {
  config: AuditSyslogConfig;
  audit: Pick<AuditTrail, 'on' | 'off'>;
  /** HOSTNAME in each message; default this machine's name. */
  hostname?: string;
  /** Messages held while the receiver is away. */
  queueMax?: number;
  /** Reconnect delays: doubling from minMs up to maxMs. */
  backoff?: { minMs: number; maxMs: number };
}

export interface AuditSyslogStats {
  queued: number;
  sent: number;
  dropped: number;
}

const defaultQueueMax = 10_000;
const defaultBackoff = { minMs: 1_000, maxMs: 60_000 };
/** RFC 5426 §3.2: a UDP receiver should take 2048 octets; RFC 5425 §4.3.1: a TLS one should take 8192. */
const maxOctets = { udp: 2048, stream: 8192 };
/** How long a connection attempt may take before it counts as failed. */
const connectTimeoutMs = 10_000;

export class AuditSyslog {
  readonly #config: AuditSyslogConfig;
  readonly #audit: AuditSyslogOptions['audit'];
  readonly #header: SyslogHeader;
  readonly #port: number;
  readonly #queueMax: number;
  readonly #backoff: { minMs: number; maxMs: number };
  readonly #queue: string[] = [];
  readonly #stats = { sent: 0, dropped: 0 };
  #ca: Buffer | undefined;
  #udp: UdpSocket | undefined;
  #stream: Socket | undefined;
  #streamReady = false;
  #draining = false;
  #retryDelay: number;
  #retryTimer: NodeJS.Timeout | undefined;
  #stopped = true;
  /** Whether the current outage / overflow was already said in the log: once each, not once per message. */
  #outageLogged = false;
  #dropsLogged = false;
  /** stats.dropped when the receiver last took messages, to say how many were lost while it was away. */
  #droppedWhenLastUp = 0;
  readonly #onAppended = (entry: AuditEntry) => {
    // This runs inside AuditTrail.record(): whatever goes wrong here must not become the caller's failure.
    try {
      this.enqueue(entry);
    } catch (err) {
      log.error('audit syslog could not queue an entry', { id: entry.id, message: (err as Error).message });
    }
  };

  constructor(options: AuditSyslogOptions) {
    this.#config = options.config;
    this.#audit = options.audit;
    this.#port = syslogPort(options.config);
    this.#queueMax = options.queueMax ?? defaultQueueMax;
    this.#backoff = options.backoff ?? defaultBackoff;
    this.#retryDelay = this.#backoff.minMs;
    this.#header = {
      facility: facilityCode(options.config.facility),
      hostname: options.hostname ?? osHostname(),
      appName: options.config.appName,
      procId: String(process.pid),
    };
  }

  /** Start shipping every entry appended from now on. Fails only on a CA file that cannot be read. */
  async start(): Promise<void> {
    if (this.#config.transport === 'tls' && this.#config.ca) {
      try {
        this.#ca = await readFile(this.#config.ca);
        createSecureContext({ ca: this.#ca }); // a file that is not PEM fails here, once, not at every reconnect
      } catch (err) {
        throw new Error(`configuration key "auditSyslog": ca: cannot use ${this.#config.ca}: ${(err as Error).message}`);
      }
    }
    this.#stopped = false;
    this.#audit.on('appended', this.#onAppended);
    if (this.#config.transport === 'udp') {
      this.#udp = createSocket(isIP(this.#config.host) === 6 ? 'udp6' : 'udp4');
      // An unreachable receiver must not become an uncaught 'error' event.
      this.#udp.on('error', (err) => this.#outage(err));
      this.#udp.unref();
    } else {
      this.#connect();
    }
    log.info('audit entries are shipped to syslog', { host: this.#config.host, port: this.#port, transport: this.#config.transport });
  }

  /** Stop listening and close the connection; what is still queued is not sent. */
  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    this.#audit.off('appended', this.#onAppended);
    clearTimeout(this.#retryTimer);
    if (this.#queue.length > 0) log.warn('audit syslog stopped with messages unsent', { unsent: this.#queue.length });
    this.#queue.length = 0;
    const udp = this.#udp;
    this.#udp = undefined;
    if (udp) await new Promise<void>((resolve) => udp.close(() => resolve()));
    const stream = this.#stream;
    this.#stream = undefined;
    if (stream && !stream.destroyed) {
      // end() lets what was written go out; a receiver that does not take it within a second is cut off.
      await new Promise<void>((resolve) => {
        const cut = setTimeout(() => stream.destroy(), 1000);
        stream.once('close', () => {
          clearTimeout(cut);
          resolve();
        });
        stream.end();
      });
    }
  }

  stats(): AuditSyslogStats {
    return { queued: this.#queue.length, sent: this.#stats.sent, dropped: this.#stats.dropped };
  }

  /** Queue an entry's message; returns at once whatever the receiver is doing. */
  enqueue(entry: AuditEntry): void {
    if (this.#stopped) return;
    this.#queue.push(formatSyslog(entry, this.#header, this.#config.transport === 'udp' ? maxOctets.udp : maxOctets.stream));
    if (this.#queue.length > this.#queueMax) {
      this.#queue.shift();
      this.#stats.dropped += 1;
      if (!this.#dropsLogged) {
        this.#dropsLogged = true;
        log.warn('audit syslog queue is full: dropping the oldest messages until the receiver takes them', { queueMax: this.#queueMax });
      }
    }
    // After the caller's turn, so a burst of appends is sent as one run.
    queueMicrotask(() => this.#pump());
  }

  #pump(): void {
    if (this.#stopped) return;
    if (this.#udp) {
      const udp = this.#udp;
      for (let message = this.#queue.shift(); message !== undefined; message = this.#queue.shift()) {
        udp.send(Buffer.from(message, 'utf8'), this.#port, this.#config.host, (err) => {
          if (err) this.#outage(err);
          else this.#stats.sent += 1;
        });
      }
      return;
    }
    const stream = this.#stream;
    if (!stream || !this.#streamReady || this.#draining) return;
    while (this.#queue.length > 0) {
      const message = this.#queue.shift()!;
      this.#stats.sent += 1;
      if (!stream.write(frameOctetCounted(message))) {
        // The receiver is slow: hold the rest in the bounded queue until the socket has room again.
        this.#draining = true;
        stream.once('drain', () => {
          this.#draining = false;
          this.#pump();
        });
        return;
      }
    }
    this.#dropsLogged = false;
  }

  #connect(): void {
    if (this.#stopped) return;
    const { host, transport } = this.#config;
    const onReady = () => {
      stream.setTimeout(0);
      this.#streamReady = true;
      this.#retryDelay = this.#backoff.minMs;
      if (this.#outageLogged) {
        log.info('audit syslog receiver is back', { host, port: this.#port, droppedMeanwhile: this.#stats.dropped - this.#droppedWhenLastUp });
      }
      this.#outageLogged = false;
      this.#droppedWhenLastUp = this.#stats.dropped;
      this.#pump();
    };
    // TLS always verifies the receiver's certificate and name (SECURITY.md rule 7): no option turns that off.
    const stream: Socket =
      transport === 'tls'
        ? tlsConnect({ host, port: this.#port, servername: isIP(host) ? undefined : host, ca: this.#ca, rejectUnauthorized: true }, onReady)
        : tcpConnect({ host, port: this.#port }, onReady);
    this.#stream = stream;
    this.#streamReady = false;
    this.#draining = false;
    stream.setKeepAlive(true, 30_000);
    stream.setTimeout(connectTimeoutMs, () => stream.destroy(new Error('connection timed out')));
    stream.on('error', (err) => this.#outage(err));
    stream.on('close', () => {
      if (this.#stream !== stream) return;
      this.#stream = undefined;
      this.#streamReady = false;
      if (this.#stopped) return;
      this.#retryTimer = setTimeout(() => this.#connect(), this.#retryDelay);
      this.#retryTimer.unref();
      this.#retryDelay = Math.min(this.#retryDelay * 2, this.#backoff.maxMs);
    });
    // A receiver has nothing to say to us; reading keeps the socket flowing so a stray byte cannot stall it.
    stream.resume();
    stream.unref();
  }

  #outage(err: Error): void {
    if (this.#outageLogged) return;
    this.#outageLogged = true;
    log.warn('audit syslog receiver unreachable; retrying with backoff, queueing meanwhile', {
      host: this.#config.host,
      port: this.#port,
      transport: this.#config.transport,
      message: err.message,
    });
  }
}
