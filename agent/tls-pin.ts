/**
 * Pinning the console's certificate. The agent trusts exactly one certificate: the one it saw at enrollment,
 * proven to it by the enrollment token. No flag turns this off (SECURITY.md rule 7).
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { PeerCertificate } from 'node:tls';
import { connect } from 'node:tls';

export function fingerprintOfDer(der: Buffer): string {
  return createHash('sha256').update(der).digest('hex');
}

export function derToPem(der: Buffer): string {
  const lines = der.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN CERTIFICATE-----\n${lines.join('\n')}\n-----END CERTIFICATE-----\n`;
}

/**
 * The proof the console gives that it holds the enrollment token: HMAC-SHA256 keyed by the SHA-256 of the
 * token's secret, over the certificate fingerprint. A man in the middle shows a different certificate and,
 * without the token, cannot produce the matching proof; the agent sends the token only after checking it.
 */
export function enrollmentProof(secretHashHex: string, fingerprint: string): string {
  return createHmac('sha256', Buffer.from(secretHashHex, 'hex')).update(fingerprint).digest('hex');
}

export function proofMatches(expected: string, given: string): boolean {
  const a = Buffer.from(expected, 'hex');
  const b = Buffer.from(given, 'hex');
  return a.length === b.length && a.length > 0 && timingSafeEqual(a, b);
}

/** Connect once to learn the certificate a TLS server presents; nothing is sent over the connection. */
export function fetchPeerCertificate(host: string, port: number): Promise<PeerCertificate> {
  return new Promise((resolve, reject) => {
    // Verification is deferred, not skipped: the certificate is only trusted after the enrollment proof matches.
    const socket = connect({ host, port, servername: isIp(host) ? undefined : host, rejectUnauthorized: false }, () => {
      const cert = socket.getPeerCertificate(false);
      socket.destroy();
      if (!cert?.raw) reject(new Error('the console presented no certificate'));
      else resolve(cert);
    });
    socket.setTimeout(10_000, () => socket.destroy(new Error(`timed out connecting to ${host}:${port}`)));
    socket.once('error', reject);
  });
}

/** `checkServerIdentity` for a pinned certificate: the fingerprint is the identity, not the host name. */
export function pinnedIdentityCheck(pinned: string) {
  return (_host: string, cert: PeerCertificate): Error | undefined =>
    cert.raw && fingerprintOfDer(cert.raw) === pinned
      ? undefined
      : new Error(`console certificate does not match the pinned fingerprint ${pinned.slice(0, 16)}…`);
}

function isIp(host: string): boolean {
  return /^[\d.]+$/.test(host) || host.includes(':');
}

/** Plain HTTP is allowed only to loopback, where nothing crosses a network. */
export function isLoopbackHost(hostname: string): boolean {
  const h = hostname.replace(/^\[|\]$/g, '');
  return h === 'localhost' || h === '::1' || /^127\.\d+\.\d+\.\d+$/.test(h);
}
