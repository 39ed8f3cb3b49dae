/**
 * WebSocket upgrades: `/agent` for agents (no browser may open it: any Origin is refused), and `/api/live` and
 * `/api/hosts/:id/terminal` for logged-in browsers (Origin must be this console's own). Everything else is
 * refused before the handshake.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { maxControlFrameBytes } from '../../modules/kernel/wire.js';
import { sessionTokenFromCookieHeader, validateSessionToken, type SessionValidation } from './auth/sessions.js';
import { originAllowed } from './http/origin.js';
import type { Services } from './services.js';
import { log } from './log.js';
import { maxTerminalMessageBytes } from './terminal/bridge.js';

/** `/api/hosts/:id/terminal`: a browser terminal on that host. */
const terminalPath = /^\/api\/hosts\/([A-Za-z0-9_-]{1,64})\/terminal$/;

export function upgradeHandler(services: Services, secure: boolean) {
  // Compression is off: it costs memory per socket and opens compression side channels on mixed secrets.
  const agents = new WebSocketServer({ noServer: true, perMessageDeflate: false, maxPayload: maxControlFrameBytes + 64 });
  const browsers = new WebSocketServer({ noServer: true, perMessageDeflate: false, maxPayload: 64 * 1024 });
  // Terminal input is keystrokes and pastes; a larger frame closes the socket with 1009.
  const terminals = new WebSocketServer({ noServer: true, perMessageDeflate: false, maxPayload: maxTerminalMessageBytes });

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
    // A logged-in browser of this console's own origin, then `admit`; refused before the handshake otherwise.
    const browserOnly = (admit: (found: SessionValidation) => void) => {
      const self = `${secure ? 'https' : 'http'}://${request.headers.host ?? ''}`;
      if (origin === undefined || !originAllowed(origin, self, { extra: services.allowedOrigins })) {
        return refuse(403, 'Forbidden: foreign or missing Origin');
      }
      const token = sessionTokenFromCookieHeader(request.headers.cookie);
      const validation = token ? validateSessionToken(services.storage, token) : Promise.resolve(null);
      validation.then(
        (found) => (found ? admit(found) : refuse(401, 'Unauthorized: log in first')),
        (err: unknown) => {
          log.error('browser socket upgrade failed', { path, message: (err as Error).message });
          refuse(500, 'Internal Server Error');
        },
      );
    };

    if (path === '/api/live') {
      return browserOnly((found) => browsers.handleUpgrade(request, socket, head, (ws) => void services.live.accept(ws, found.user, found.session)));
    }
    const terminal = terminalPath.exec(path ?? '');
    if (terminal) {
      const hostId = terminal[1]!;
      const query = new URL(request.url ?? '', 'http://console.invalid').searchParams;
      return browserOnly((found) =>
        terminals.handleUpgrade(request, socket, head, (ws) =>
          void services.access.of(found.user).then((access) => services.terminals.accept(ws, { hostId, query, user: found.user, access, loginSessionId: found.session.id, address })),
        ),
      );
    }
    refuse(404, 'Not Found');
  };
}
