/**
 * A managed Linux host for module tests: a Debian root booted with systemd-nspawn (nspawn.ts) with a Gatehouse
 * agent inside it, installed the way an administrator would (registered over SSH, then "Install agent"), and
 * connected to a console running on this machine. Module tests act on this host, never on the machine itself.
 */
import { randomBytes } from 'node:crypto';
import { ApiClient } from './client.js';
import { startTestConsole, waitFor, type TestConsole } from './console.js';
import { bootDebianHost, debianHostAvailable, type TestDebianHost } from './nspawn.js';

export { debianHostAvailable };

export interface ManagedHost {
  debian: TestDebianHost;
  console: TestConsole;
  /** Logged in as the console's admin. */
  api: ApiClient;
  hostId: string;
  /** `POST /api/hosts/:id/call` on this host; the whole response (status and body) so errors can be checked. */
  call<T = any>(module: string, method: string, params?: unknown): Promise<{ status: number; body: T }>;
  /** Like call, but throws unless 200, and returns the result. */
  result<T = any>(module: string, method: string, params?: unknown): Promise<T>;
  stop(): Promise<void>;
}

/**
 * Boot the Debian host and a console, install the agent over SSH, and wait until it is online. About 5 s.
 * `variant` boots a root with more packages (scripts/debian-root.mjs), built on first use (about a minute).
 */
export async function startManagedHost(options: { name?: string; variant?: 'rpm'; consoleConfig?: Record<string, unknown> } = {}): Promise<ManagedHost> {
  const rootPassword = `pw-${randomBytes(9).toString('hex')}`;
  const [debian, consoleUnderTest] = await Promise.all([
    bootDebianHost({ rootPassword, name: options.name, variant: options.variant }),
    startTestConsole(options.consoleConfig ? { config: options.consoleConfig } : {}),
  ]);
  const stop = async () => {
    await Promise.all([debian.stop(), consoleUnderTest.stop()]);
  };
  try {
    const api = new ApiClient(consoleUnderTest.url);
    await api.login();
    const registered = await api.post('/api/ssh-hosts', {
      name: debian.name,
      address: '127.0.0.1',
      port: debian.sshPort,
      username: 'root',
      hostKeyFingerprint: debian.hostKeyFingerprint,
      auth: { kind: 'password', password: rootPassword },
    });
    if (registered.status !== 201) throw new Error(`registering the Debian host failed: ${JSON.stringify(registered.body)}`);
    const hostId = registered.body.host.id as string;
    const install = await api.post(`/api/hosts/${hostId}/ssh/install-agent`);
    const lines = Buffer.from(install.body as Uint8Array).toString('utf8').trim().split('\n');
    const done = JSON.parse(lines.at(-1) ?? '{}');
    if (!done.ok) throw new Error(`installing the agent failed:\n${lines.join('\n')}`);
    await waitFor('the agent inside the Debian host to be online', async () => (await api.get(`/api/hosts/${hostId}`)).body.online === true, 30_000);
    const call = <T>(module: string, method: string, params: unknown = {}) => api.call<T>(hostId, module, method, params);
    return {
      debian,
      console: consoleUnderTest,
      api,
      hostId,
      call,
      async result(module, method, params = {}) {
        const res = await call<any>(module, method, params);
        if (res.status !== 200) throw new Error(`${module}.${method} answered ${res.status}: ${JSON.stringify(res.body)}`);
        return res.body.result;
      },
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
