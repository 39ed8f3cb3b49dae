/**
 * The web app: built files from console/web/dist, and index.html for every other path (client-side routes),
 * with a fresh CSP nonce per response for the styles Mantine and CodeMirror inject.
 */
import { Hono } from 'hono';
import { randomBytes } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import type { AppEnv } from '../http/env.js';
import { pageContentSecurityPolicy } from '../http/security-headers.js';

const contentTypes: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
  '.map': 'application/json',
};

export function staticRoutes(webDir: string): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  let cached: { mtimeMs: number; text: string } | undefined;

  // Re-read when the file changes, so a rebuilt web app is served without restarting the console.
  const index = async () => {
    const path = join(webDir, 'index.html');
    const info = await stat(path).catch(() => undefined);
    if (!info) return '<!doctype html><title>Gatehouse</title><p>The web app has not been built. Run <code>npm run build</code>.</p>';
    if (cached?.mtimeMs !== info.mtimeMs) cached = { mtimeMs: info.mtimeMs, text: await readFile(path, 'utf8') };
    return cached.text;
  };

  app.get('*', async (c) => {
    const path = decodeURIComponent(new URL(c.req.url).pathname);
    if (path !== '/' && !path.includes('\0')) {
      // Resolve inside webDir only; anything that would leave it falls through to index.html.
      const file = normalize(join(webDir, path));
      if (file.startsWith(webDir + sep)) {
        const info = await stat(file).catch(() => undefined);
        if (info?.isFile()) {
          const body = await readFile(file);
          const immutable = path.startsWith('/assets/');
          return c.body(body, 200, {
            'Content-Type': contentTypes[extname(file)] ?? 'application/octet-stream',
            'Cache-Control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
          });
        }
        if (path.startsWith('/assets/')) return c.text('not found', 404);
      }
    }
    const nonce = randomBytes(16).toString('base64');
    return c.html((await index()).replaceAll('__CSP_NONCE__', nonce), 200, {
      'Content-Security-Policy': pageContentSecurityPolicy(nonce),
      'Cache-Control': 'no-store',
    });
  });
  return app;
}
