/**
 * A small API client for tests: keeps the session cookie and sends the console's own Origin, as a browser would.
 * For HTTPS consoles it trusts exactly the console's self-signed certificate.
 */
import { Agent, fetch as undiciFetch, type Dispatcher } from 'undici';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { adminPassword } from './console.js';

export interface ApiResponse<T = unknown> {
  status: number;
  body: T;
  headers: Headers;
}

export class ApiClient {
  readonly base: string;
  cookie = '';
  origin: string | undefined;
  readonly #dispatcher: Dispatcher | undefined;

  constructor(base: string, dispatcher?: Dispatcher) {
    this.base = base;
    this.origin = new URL(base).origin;
    this.#dispatcher = dispatcher;
  }

  /** A client for an HTTPS console, trusting its certificate from its data directory. */
  static async forConsole(url: string, dataDir: string): Promise<ApiClient> {
    if (!url.startsWith('https:')) return new ApiClient(url);
    const ca = await readFile(join(dataDir, 'tls', 'console-cert.pem'), 'utf8');
    return new ApiClient(url, new Agent({ connect: { ca, checkServerIdentity: () => undefined } }));
  }

  async request<T = any>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<ApiResponse<T>> {
    const init: Record<string, unknown> = {
      method,
      headers: {
        ...(this.cookie ? { cookie: this.cookie } : {}),
        ...(this.origin && method !== 'GET' ? { origin: this.origin } : {}),
        ...(body !== undefined && !(body instanceof Uint8Array) ? { 'content-type': 'application/json' } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : body instanceof Uint8Array ? body : typeof body === 'string' ? body : JSON.stringify(body),
      dispatcher: this.#dispatcher,
    };
    const res = await undiciFetch(new URL(path, this.base), init as never);
    const setCookie = res.headers.get('set-cookie');
    if (setCookie) {
      const [pair] = setCookie.split(';');
      this.cookie = pair!.endsWith('=') ? '' : pair!;
    }
    const type = res.headers.get('content-type') ?? '';
    const parsed = type.includes('json') && !type.includes('ndjson') ? await res.json() : await res.arrayBuffer().then((b) => Buffer.from(b));
    return { status: res.status, body: parsed as T, headers: res.headers as unknown as Headers };
  }

  get<T = any>(path: string) {
    return this.request<T>('GET', path);
  }
  post<T = any>(path: string, body?: unknown, headers?: Record<string, string>) {
    return this.request<T>('POST', path, body ?? {}, headers);
  }

  async login(username = 'admin', password = adminPassword): Promise<void> {
    const res = await this.post('/api/session', { username, password });
    if (res.status !== 200) throw new Error(`login failed: ${res.status} ${JSON.stringify(res.body)}`);
  }

  /** Call a module method on a host; returns the whole response so tests can check errors too. */
  call<T = any>(hostId: string, module: string, method: string, params: unknown = {}) {
    return this.post<T>(`/api/hosts/${hostId}/call`, { module, method, params });
  }

  async enrollmentToken(options: { autoApprove?: boolean; ttlMinutes?: number } = { autoApprove: true }): Promise<string> {
    const res = await this.post('/api/enrollment-tokens', options);
    if (res.status !== 201) throw new Error(`token: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body.token as string;
  }
}
