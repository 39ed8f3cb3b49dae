import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { fingerprintOf, parseAuthorizedKeys, parsePublicKey } from './authorized-keys.js';

function wire(...parts: Buffer[]): Buffer {
  return Buffer.concat(parts.flatMap((part) => [Buffer.from([0, 0, 0, 0].map((_, i) => (part.length >>> (24 - 8 * i)) & 0xff)), part]));
}

/** A real ed25519 public key line, built from a fresh key pair. */
export function ed25519Line(comment = 'ops@example'): { line: string; fingerprint: string } {
  const { publicKey } = generateKeyPairSync('ed25519');
  const raw = publicKey.export({ format: 'der', type: 'spki' }).subarray(-32);
  const blob = wire(Buffer.from('ssh-ed25519'), raw);
  return { line: `ssh-ed25519 ${blob.toString('base64')} ${comment}`, fingerprint: fingerprintOf(blob) };
}

describe('authorized keys', () => {
  it('accepts a real ed25519 key and refuses malformed ones with a reason', () => {
    const { line } = ed25519Line();
    const parsed = parsePublicKey(line);
    expect(parsed).toMatchObject({ type: 'ssh-ed25519', bits: 256, comment: 'ops@example' });
    expect(parsePublicKey('ssh-ed25519 AAAA')).toMatch(/not a ssh-ed25519 key/);
    expect(parsePublicKey('ssh-ed25519 not*base64')).toMatch(/base64/);
    expect(parsePublicKey('ssh-dss AAAAB3NzaC1kc3M=')).toMatch(/not one of/);
    expect(parsePublicKey(`command="reboot" ${line}`)).toMatch(/options before the key/);
    expect(parsePublicKey(`no-pty ${line}`)).toMatch(/options/);
    // An RSA blob declared as ed25519.
    const rsaBlob = wire(Buffer.from('ssh-rsa'), Buffer.from([1, 0, 1]), Buffer.alloc(129, 0xff));
    expect(parsePublicKey(`ssh-ed25519 ${rsaBlob.toString('base64')}`)).toMatch(/not a ssh-ed25519 key/);
    expect(parsePublicKey(`ssh-rsa ${rsaBlob.toString('base64')}`)).toMatch(/1032 bits/);
  });

  it('lists keys with fingerprints as ssh-keygen prints them, options and line numbers', () => {
    const a = ed25519Line('first');
    const b = ed25519Line('second key');
    const text = `# managed\n\n${a.line}\nfrom="10.0.0.0/8",command="echo \\"hi there\\"" ${b.line}\ngarbage line\n`;
    const keys = parseAuthorizedKeys(text);
    expect(keys).toEqual([
      { line: 3, type: 'ssh-ed25519', fingerprint: a.fingerprint, bits: 256, comment: 'first', options: '' },
      { line: 4, type: 'ssh-ed25519', fingerprint: b.fingerprint, bits: 256, comment: 'second key', options: 'from="10.0.0.0/8",command="echo \\"hi there\\""' },
    ]);
    expect(a.fingerprint).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
  });
});
