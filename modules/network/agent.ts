/**
 * The agent's end of the network module. The dispatcher has already checked params (host names against
 * RFC 1123), results and the read-only policy.
 */
import { defineHandlers } from '../kernel/handler.js';
import { contract } from './contract.js';
import { setHostname } from './hostname.js';
import { readDns, readHostname, readInterfaces, readListening, readRoutes } from './read.js';

export const handlers = defineHandlers(contract, {
  methods: {
    interfaces: async () => ({ interfaces: await readInterfaces() }),
    routes: async () => ({ routes: await readRoutes() }),
    dns: () => readDns(),
    listening: async () => ({ sockets: await readListening() }),
    hostname: () => readHostname(),
    setHostname: ({ hostname }, { signal }) => setHostname(hostname, signal),
  },
});
