/**
 * The terminal module on the agent: login shells in PTYs that outlive the window showing them. The dispatcher
 * has already checked params against the contract (a Unix user name matches its pattern before it gets here)
 * and refused the module under a read-only policy; what is left is the shells.
 */
import { defineHandlers } from '../kernel/handler.js';
import { contract } from './contract.js';
import { TerminalSessions } from './sessions.js';

/** Handlers over a given set of sessions; the agent uses one set for its whole life, tests make their own. */
export function terminalHandlers(sessions: TerminalSessions) {
  return defineHandlers(contract, {
    methods: {
      async sessions() {
        return { sessions: sessions.list() };
      },

      async close(params) {
        sessions.close(params.id);
        return { id: params.id };
      },
    },
    streams: {
      async session(params, stream, context) {
        const size = { cols: params.cols, rows: params.rows };
        const restored = params.sessionId !== undefined;
        const terminal = restored
          ? sessions.forReattach(params.sessionId!, context.actor)
          : await sessions.start(params.unixUser, size, context.actor ?? '');
        const outcome = await terminal.serve(stream, size, restored, sessions.detachedForMs(context.policy));
        return { sessionId: terminal.id, ...outcome };
      },
    },
  });
}

/** The agent's terminals: one set per agent process. */
export const terminalSessions = new TerminalSessions();

export const handlers = terminalHandlers(terminalSessions);
