import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from '../api.js';
import { installAgent, type InstallStep } from './installStream.js';
import { fieldOfProblem } from './registerFields.js';
import { hostKeyFile, hostKeyTypeLabel } from './sshApi.js';

/** A response whose body arrives in the given pieces, as a slow install would send it. */
function streamed(pieces: string[], status = 200): Response {
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const piece of pieces) controller.enqueue(new TextEncoder().encode(piece));
      controller.close();
    },
  });
  return new Response(body, { status, headers: { 'Content-Type': 'application/x-ndjson' } });
}

function answer(response: Response) {
  vi.stubGlobal('fetch', vi.fn(async () => response));
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('installAgent', () => {
  it('reports each step as its line arrives, even split across chunks, and resolves to done', async () => {
    const lines = [
      { type: 'step', step: 'connect', title: 'Connect', state: 'running' },
      { type: 'step', step: 'connect', title: 'Connect', state: 'ok' },
      { type: 'step', step: 'service', title: 'Service', state: 'failed', message: 'exit 1', output: 'line 1\nline 2' },
      { type: 'done', ok: false, hostId: 'h_1', code: 'internal-error', message: 'did not start' },
    ].map((line) => JSON.stringify(line) + '\n');
    const text = lines.join('');
    answer(streamed([text.slice(0, 30), text.slice(30, 31), text.slice(31, 200), text.slice(200)]));

    const steps: InstallStep[] = [];
    const done = await installAgent('h_1', (step) => steps.push(step));
    expect(steps.map((s) => `${s.step}:${s.state}`)).toEqual(['connect:running', 'connect:ok', 'service:failed']);
    expect(steps[2]!.output).toBe('line 1\nline 2');
    expect(done).toEqual({ type: 'done', ok: false, hostId: 'h_1', code: 'internal-error', message: 'did not start' });
  });

  it('skips lines it cannot read instead of failing the install view', async () => {
    vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    answer(streamed(['not json\n', '{"type":"step","step":"nope","title":"x","state":"ok"}\n', '{"type":"done","ok":true,"hostId":"h_1"}']));
    const steps: InstallStep[] = [];
    const done = await installAgent('h_1', (step) => steps.push(step));
    expect(steps).toEqual([]);
    expect(done.ok).toBe(true);
  });

  it('says the outcome is unknown when the stream ends without done', async () => {
    answer(streamed(['{"type":"step","step":"connect","title":"Connect","state":"running"}\n']));
    const done = await installAgent('h_1', () => undefined);
    expect(done.ok).toBe(false);
    expect(done.code).toBe('connection-failed');
  });

  it('turns a refused request into an ApiError with the console’s problem code', async () => {
    answer(new Response(JSON.stringify({ error: { code: 'forbidden', message: 'needs ssh.manage' } }), { status: 403 }));
    const failure = await installAgent('h_1', () => undefined).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ApiError);
    expect(failure).toMatchObject({ code: 'forbidden', status: 403 });
  });
});

describe('host key names', () => {
  it('names the key file ssh-keygen reads on the server, by type', () => {
    expect(hostKeyFile('ssh-ed25519')).toBe('/etc/ssh/ssh_host_ed25519_key.pub');
    expect(hostKeyFile('ecdsa-sha2-nistp256')).toBe('/etc/ssh/ssh_host_ecdsa_key.pub');
    expect(hostKeyFile('rsa-sha2-512')).toBe('/etc/ssh/ssh_host_rsa_key.pub');
    expect(hostKeyTypeLabel('ssh-ed25519')).toBe('ED25519');
  });
});

describe('fieldOfProblem', () => {
  it('puts the console’s invalid-params message under the field its path names', () => {
    expect(fieldOfProblem('auth.privateKey: that is a public key; paste the private key', 'key')).toEqual({
      field: 'privateKey',
      message: 'That is a public key; paste the private key',
    });
    expect(fieldOfProblem('username: a Unix user name (lower case, at most 32 characters)', 'key')?.field).toBe('username');
    expect(fieldOfProblem('auth: Invalid input', 'password')?.field).toBe('password');
  });

  it('sends a key the console could not use to the key, or to its passphrase', () => {
    expect(fieldOfProblem('the private key cannot be used: Encrypted private key detected, but no passphrase given', 'key')?.field).toBe('passphrase');
    expect(fieldOfProblem('the private key cannot be used: Unsupported key format', 'key')?.field).toBe('privateKey');
    expect(fieldOfProblem('body: invalid', 'key')).toBeNull();
  });
});
