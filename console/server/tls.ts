/**
 * The console's TLS certificate: from files the administrator gives, or generated once on first start and
 * kept in DATA/tls/ (so the fingerprint agents pinned stays valid across restarts).
 */
import { X509Certificate, createHash } from 'node:crypto';
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
  /** curl's --pinnedpubkey form of the key (sha256//base64 of the SPKI), for the one-line installer. */
  publicKeyPin: string;
}

export function fingerprintOf(certPem: string): string {
  return new X509Certificate(certPem).fingerprint256.replaceAll(':', '').toLowerCase();
}

export function publicKeyPinOf(certPem: string): string {
  const spki = new X509Certificate(certPem).publicKey.export({ type: 'spki', format: 'der' });
  return `sha256//${createHash('sha256').update(spki).digest('base64')}`;
}

function material(cert: string, key: string): TlsMaterial {
  return { cert, key, fingerprint: fingerprintOf(cert), publicKeyPin: publicKeyPinOf(cert) };
}

export async function loadTls(config: ConsoleConfig): Promise<TlsMaterial | undefined> {
  if (config.tls === 'off') return undefined;
  if (config.tls === 'files') {
    return material(await readFile(config.tlsCert!, 'utf8'), await readFile(config.tlsKey!, 'utf8'));
  }
  const dir = join(config.dataDir, 'tls');
  const certPath = join(dir, 'console-cert.pem');
  const keyPath = join(dir, 'console-key.pem');
  try {
    return material(await readFile(certPath, 'utf8'), await readFile(keyPath, 'utf8'));
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
  return material(generated.cert, generated.private);
}
