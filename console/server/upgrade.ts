/**
 * WebSocket upgrades: `/agent` for agents (no browser may open it: any Origin is refused) and `/api/live` for
 * logged-in browsers (Origin must be this console's own). Everything else is refused before the handshake.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { maxControlFrameBytes } from '../../modules/kernel/wire.js';
import { sessionTokenFromCookieHeader, validateSessionToken } from './auth/sessions.js';
import { originAllowed } from './http/origin.js';
import type { Services } from './services.js';
import { log } from './log.js';

export function upgradeHandler(services: Services, secure: boolean) {
  // Compression is off: it costs memory per socket and opens compression side channels on mixed secrets.
  const agents = new WebSocketServer({ noServer: true, perMessageDeflate: false, maxPayload: maxControlFrameBytes + 64 });
  const browsers = new WebSocketServer({ noServer: true, perMessageDeflate: false, maxPayload: 64 * 1024 });

  return (request: IncomingMessage, socket: Duplex, head: Buffer): void => {
    const refuse = (status: number, message: string) => {
      socket.end(`HTTP/1.1 ${status} ${message}\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(message)}\r\n\r\n${message}`);
    };
    socket.on('error', () => socket.destroy());
    const path = (request.url ?? '').split('?')[0];
    const origin = request.headers.origin;
    const address = request.socket.remoteAddress ?? null;
    if (!services.hostNames.allows(request.headers.host)) return refuse(403, 'Forbidden: unknown host name');

    if (path === '/agent') {
      if (origin !== undefined) return refuse(403, 'Forbidden: browsers may not open the agent socket');
      agents.handleUpgrade(request, socket, head, (ws) => services.hub.accept(ws, address));
      return;
    }
    if (path === '/api/live') {
      const self = `${secure ? 'https' : 'http'}://${request.headers.host ?? ''}`;
      if (origin === undefined || !originAllowed(origin, self, { extra: services.allowedOrigins })) {
        return refuse(403, 'Forbidden: foreign or missing Origin');
      }
      const token = sessionTokenFromCookieHeader(request.headers.cookie);
      const validation = token ? validateSessionToken(services.storage, token) : Promise.resolve(null);
      validation.then(
        (found) => {
          if (!found) return refuse(401, 'Unauthorized: log in first');
          browsers.handleUpgrade(request, socket, head, (ws) => void services.live.accept(ws, found.user, found.session));
        },
        (err: unknown) => {
          log.error('live upgrade failed', { message: (err as Error).message });
          refuse(500, 'Internal Server Error');
        },
      );
      return;
    }
    refuse(404, 'Not Found');
  };
}
