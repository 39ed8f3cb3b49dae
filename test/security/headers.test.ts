/**
 * Every kind of answer a real console gives carries the browser-side protections (SECURITY.md rule 4): a
 * Content-Security-Policy that allows no inline or evaluated script, `frame-ancestors 'none'`, nosniff, a
 * Referrer-Policy that keeps URLs to this site, and HSTS over HTTPS only. Checked over HTTP and over HTTPS, each
 * against a console with a real agent (the download goes through it).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../support/client.js';
import { startFleet, type Fleet } from '../support/fleet.js';

let work: string;
let downloadable: string;
const fleets: Record<'http' | 'https', Fleet | undefined> = { http: undefined, https: undefined };

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'gh-headers-'));
  downloadable = join(work, 'report.csv');
  await writeFile(downloadable, 'a,b\n1,2\n');
  [fleets.http, fleets.https] = await Promise.all([startFleet({ name: 'plain' }), startFleet({ tls: true, name: 'tls' })]);
}, 60_000);

afterAll(async () => {
  await Promise.all([fleets.http?.stop(), fleets.https?.stop()]);
  if (work) await rm(work, { recursive: true, force: true });
});

interface Kind {
  kind: string;
  /** The status that shows we got the kind of answer we meant to. */
  status: number;
  contentType: RegExp;
  request(fleet: Fleet, anonymous: ApiClient): Promise<{ status: number; headers: Headers }>;
}

const kinds: Kind[] = [
  { kind: 'the app page', status: 200, contentType: /text\/html/, request: (f) => f.api.get('/') },
  { kind: 'a client-side route of the app', status: 200, contentType: /text\/html/, request: (f) => f.api.get('/hosts/whatever') },
  { kind: 'a static file', status: 200, contentType: /image\/svg/, request: (f) => f.api.get('/favicon.svg') },
  { kind: 'an API JSON answer', status: 200, contentType: /application\/json/, request: (f) => f.api.get('/api/hosts') },
  { kind: 'the health check, without a session', status: 200, contentType: /application\/json/, request: (_f, anon) => anon.get('/api/health') },
  { kind: 'an API 404', status: 404, contentType: /application\/json/, request: (f) => f.api.get('/api/no-such-route') },
  { kind: 'a 404 outside the API', status: 404, contentType: /application\/json/, request: (f) => f.api.get('/agent/no-such-route') },
  { kind: 'a 401', status: 401, contentType: /application\/json/, request: (_f, anon) => anon.get('/api/hosts') },
  {
    kind: 'a 400 for a malformed body',
    status: 400,
    contentType: /application\/json/,
    request: (f) => f.api.request('POST', `/api/hosts/${f.hostId}/call`, '{"module":', { 'content-type': 'application/json' }),
  },
  {
    kind: 'a 403 for a foreign Origin',
    status: 403,
    contentType: /application\/json/,
    request: (f) => f.api.post(`/api/hosts/${f.hostId}/call`, { module: 'process', method: 'list' }, { origin: 'https://evil.example' }),
  },
  {
    kind: 'an error relayed from the agent',
    status: 404,
    contentType: /application\/json/,
    request: (f) => f.api.call(f.hostId, 'file', 'stat', { path: join(work, 'missing') }),
  },
  {
    kind: 'a file download',
    status: 200,
    contentType: /application\/octet-stream/,
    request: (f) => f.api.get(`/api/hosts/${f.hostId}/files/download?path=${encodeURIComponent(downloadable)}`),
  },
  {
    kind: 'a module stream (NDJSON)',
    status: 200,
    contentType: /ndjson/,
    request: (f) => f.api.get(`/api/hosts/${f.hostId}/streams/file/download?params=${encodeURIComponent(JSON.stringify({ path: downloadable }))}`),
  },
  { kind: 'the acknowledge page', status: 404, contentType: /text\/html/, request: (_f, anon) => anon.get('/ack/not-a-real-link') },
];

/** The directives of a CSP header, by name. */
function directives(csp: string): Map<string, string[]> {
  return new Map(
    csp
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .filter((parts) => parts[0])
      .map(([name, ...values]) => [name!.toLowerCase(), values]),
  );
}

describe.each(['http', 'https'] as const)('over %s', (scheme) => {
  it.each(kinds)('$kind carries CSP, frame-ancestors, nosniff, Referrer-Policy and HSTS only over HTTPS', async (kind) => {
    const fleet = fleets[scheme]!;
    expect(fleet.console.url.startsWith(`${scheme}:`)).toBe(true);
    const anonymous = await ApiClient.forConsole(fleet.console.url, fleet.console.dataDir);
    const res = await kind.request(fleet, anonymous);
    expect(res.status, kind.kind).toBe(kind.status);
    expect(res.headers.get('content-type') ?? '').toMatch(kind.contentType);

    const csp = res.headers.get('content-security-policy');
    expect(csp, 'Content-Security-Policy').toBeTruthy();
    const policy = directives(csp!);
    // No script runs unless it came from a file of this console: script-src, or default-src when it is absent.
    const scripts = policy.get('script-src') ?? policy.get('default-src');
    expect(scripts, `script-src or default-src in ${csp}`).toBeDefined();
    for (const loose of ["'unsafe-inline'", "'unsafe-eval'", '*', 'data:', 'http:', 'https:']) expect(scripts).not.toContain(loose);
    expect(policy.get('frame-ancestors')).toEqual(["'none'"]);
    expect(policy.get('base-uri')).toEqual(["'none'"]);

    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(['no-referrer', 'same-origin']).toContain(res.headers.get('referrer-policy'));
    const hsts = res.headers.get('strict-transport-security');
    if (scheme === 'https') expect(hsts).toMatch(/^max-age=(\d{8,})/);
    else expect(hsts).toBeNull();
  });
});
