/**
 * The console's TLS certificate: from files the administrator gives, or generated once on first start and
 * kept in DATA/tls/ (so the fingerprint agents pinned stays valid across restarts).
 */
import { X509Certificate } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { hostname } from 'node:os';
import { generate } from 'selfsigned';
import type { ConsoleConfig } from './config.js';

export interface TlsMaterial {
  cert: string;
  key: string;
  /** SHA-256 of the certificate's DER, lower-case hex without colons: what agents pin. */
  fingerprint: string;
}

export function fingerprintOf(certPem: string): string {
  return new X509Certificate(certPem).fingerprint256.replaceAll(':', '').toLowerCase();
}

export async function loadTls(config: ConsoleConfig): Promise<TlsMaterial | undefined> {
  if (config.tls === 'off') return undefined;
  if (config.tls === 'files') {
    const cert = await readFile(config.tlsCert!, 'utf8');
    const key = await readFile(config.tlsKey!, 'utf8');
    return { cert, key, fingerprint: fingerprintOf(cert) };
  }
  const dir = join(config.dataDir, 'tls');
  const certPath = join(dir, 'console-cert.pem');
  const keyPath = join(dir, 'console-key.pem');
  try {
    const cert = await readFile(certPath, 'utf8');
    const key = await readFile(keyPath, 'utf8');
    return { cert, key, fingerprint: fingerprintOf(cert) };
  } catch {
    // First start: make one.
  }
  const names = [...new Set(['localhost', hostname(), config.host].filter((h) => h && h !== '0.0.0.0' && h !== '::'))];
  const generated = await generate([{ name: 'commonName', value: `Gatehouse console ${hostname()}` }], {
    keyType: 'ec',
    curve: 'P-256',
    // Ten years: agents pin this exact certificate, so renewing it means re-enrolling the fleet.
    notAfterDate: new Date(Date.now() + 3650 * 24 * 3600 * 1000),
    algorithm: 'sha256',
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: names.map((n) => (/^[\d.]+$/.test(n) || n.includes(':') ? { type: 7, ip: n } : { type: 2, value: n })),
      },
    ],
  });
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await writeFile(keyPath, generated.private, { mode: 0o600 });
  await writeFile(certPath, generated.cert, { mode: 0o644 });
  return { cert: generated.cert, key: generated.private, fingerprint: fingerprintOf(generated.cert) };
}
