/**
 * The one way the web app talks to the console (docs/api.md). Module pages use this too:
 *
 *   type ListResult = z.output<typeof contract.methods.list.result>;
 *   const { processes } = await apiCall<ListResult>(host.id, 'process', 'list', {});
 *
 * Every failure becomes an ApiError with the console's problem code and message. A 401 from any request made
 * while signed in tells the session layer, which sends the user to the login page and back again afterwards.
 */

export class ApiError extends Error {
  /** A problem code from modules/kernel/errors.ts, or `network-error` / `http-<status>` when the console said nothing. */
  readonly code: string;
  readonly status: number;
  /** From `Retry-After` on 429 `rate-limited`. */
  readonly retryAfterSeconds: number | undefined;

  constructor(code: string, message: string, status: number, retryAfterSeconds?: number) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
    this.status = status;
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

export function isApiError(error: unknown, code?: string): error is ApiError {
  return error instanceof ApiError && (code === undefined || error.code === code);
}

export interface RequestOptions {
  signal?: AbortSignal;
  /** Do not treat a 401 as "the session ended" (the login and session probe expect 401s). */
  expectUnauthorized?: boolean;
}

type UnauthorizedListener = () => void;
const unauthorizedListeners = new Set<UnauthorizedListener>();

/** Called whenever the console answers 401 to a request made by a signed-in page. */
export function onUnauthorized(listener: UnauthorizedListener): () => void {
  unauthorizedListeners.add(listener);
  return () => {
    unauthorizedListeners.delete(listener);
  };
}

function reportUnauthorized(): void {
  for (const listener of unauthorizedListeners) listener();
}

function parseRetryAfter(header: string | null): number | undefined {
  if (header === null) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, Math.ceil(seconds));
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - Date.now()) / 1000));
}

/** Turn a failed response into an ApiError, reading `{ error: { code, message } }` when the body has it. */
async function errorFromResponse(response: Response): Promise<ApiError> {
  const retryAfter = parseRetryAfter(response.headers.get('Retry-After'));
  let code = `http-${response.status}`;
  let message = response.statusText || 'The console answered with an error';
  try {
    const body = (await response.json()) as { error?: { code?: unknown; message?: unknown } };
    if (typeof body.error?.code === 'string') code = body.error.code;
    if (typeof body.error?.message === 'string') message = body.error.message;
  } catch {
    // Not JSON (a proxy's error page, say): keep the HTTP status as the code.
  }
  return new ApiError(code, message, response.status, retryAfter);
}

async function request<T>(method: string, path: string, body: unknown, options: RequestOptions = {}): Promise<T> {
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      credentials: 'same-origin',
      headers: body === undefined ? { Accept: 'application/json' } : { Accept: 'application/json', 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: options.signal,
    });
  } catch (error) {
    if (options.signal?.aborted) throw error;
    throw new ApiError('network-error', 'Cannot reach the console. Check the network connection.', 0);
  }
  if (!response.ok) {
    const error = await errorFromResponse(response);
    if (response.status === 401 && !options.expectUnauthorized) reportUnauthorized();
    throw error;
  }
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  return (text === '' ? undefined : JSON.parse(text)) as T;
}

/** The ApiError for a failed response fetched outside `api` (a stream read by hand); tells the session layer of a 401. */
export async function failedResponseError(response: Response): Promise<ApiError> {
  const error = await errorFromResponse(response);
  if (response.status === 401) reportUnauthorized();
  return error;
}

export const api = {
  get: <T>(path: string, options?: RequestOptions) => request<T>('GET', path, undefined, options),
  post: <T>(path: string, body: unknown = {}, options?: RequestOptions) => request<T>('POST', path, body, options),
  patch: <T>(path: string, body: unknown, options?: RequestOptions) => request<T>('PATCH', path, body, options),
  put: <T>(path: string, body: unknown, options?: RequestOptions) => request<T>('PUT', path, body, options),
  delete: <T = void>(path: string, options?: RequestOptions) => request<T>('DELETE', path, undefined, options),
};

export function hostPath(hostId: string, rest = ''): string {
  return `/api/hosts/${encodeURIComponent(hostId)}${rest}`;
}

/** Call one method of a module on a host through the console's relay; resolves to the method's result. */
export async function apiCall<R = unknown>(
  hostId: string,
  module: string,
  method: string,
  params: unknown = {},
  options?: RequestOptions,
): Promise<R> {
  const { result } = await api.post<{ result: R }>(hostPath(hostId, '/call'), { module, method, params }, options);
  return result;
}

/** A plain link the browser follows to stream a file to disk (the console sets Content-Disposition). */
export function fileDownloadUrl(hostId: string, path: string): string {
  return `${hostPath(hostId, '/files/download')}?${new URLSearchParams({ path })}`;
}

export interface UploadResult {
  path: string;
  size: number;
  version: string;
}

export interface UploadOptions {
  overwrite?: boolean;
  /** Fraction sent, 0–1. */
  onProgress?: (fraction: number) => void;
  signal?: AbortSignal;
}

/**
 * Upload one file's raw bytes into a directory on a host. XMLHttpRequest rather than fetch because only it
 * reports upload progress. Rejects with ApiError (`exists` when the name is taken and overwrite is off).
 */
export function uploadFile(hostId: string, directory: string, file: File, options: UploadOptions = {}): Promise<UploadResult> {
  const query = new URLSearchParams({ directory, name: file.name, overwrite: options.overwrite ? '1' : '0' });
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', `${hostPath(hostId, '/files/upload')}?${query}`);
    xhr.setRequestHeader('Content-Type', 'application/octet-stream');
    xhr.setRequestHeader('Accept', 'application/json');
    xhr.upload.onprogress = (event) => {
      if (event.lengthComputable && event.total > 0) options.onProgress?.(event.loaded / event.total);
    };
    xhr.onload = () => {
      let body: { result?: UploadResult; error?: { code?: string; message?: string } } = {};
      try {
        body = JSON.parse(xhr.responseText) as typeof body;
      } catch {
        // handled below
      }
      if (xhr.status >= 200 && xhr.status < 300 && body.result) {
        options.onProgress?.(1);
        resolve(body.result);
        return;
      }
      if (xhr.status === 401) reportUnauthorized();
      reject(
        new ApiError(
          body.error?.code ?? `http-${xhr.status}`,
          body.error?.message ?? (xhr.statusText || 'Upload failed'),
          xhr.status,
        ),
      );
    };
    xhr.onerror = () => reject(new ApiError('network-error', 'The upload was interrupted. Check the network connection.', 0));
    xhr.onabort = () => reject(new ApiError('cancelled', 'Upload cancelled', 0));
    options.signal?.addEventListener('abort', () => xhr.abort(), { once: true });
    xhr.send(file);
  });
}
