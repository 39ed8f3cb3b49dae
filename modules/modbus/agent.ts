/**
 * The agent's end of the Modbus module. Polling and telemetry run on their own (see gateway.ts); these handlers
 * are what people ask of it. The dispatcher has checked params, permissions and the local read-only policy.
 */
import { GatehouseError } from '../kernel/errors.js';
import { defineHandlers } from '../kernel/handler.js';
import { contract } from './contract.js';
import { gateway, telemetryQueueFigures } from './runtime.js';

export const handlers = defineHandlers(contract, {
  methods: {
    async status() {
      return { ...gateway().status(), queue: telemetryQueueFigures() };
    },

    async tags() {
      return { tags: gateway().readings() };
    },

    async apply({ profile }) {
      const saved = await gateway().apply(profile);
      return { profileHash: saved.hash, devices: profile.devices.length, tags: profile.devices.reduce((n, d) => n + d.tags.length, 0) };
    },

    async write({ tag, value, approval }, context) {
      // The approval must be the caller's own request, approved by somebody else (the writer checks the second part).
      if (approval && context.actor !== undefined && approval.requester !== context.actor) {
        throw new GatehouseError('forbidden', `approval ${approval.id} was requested by ${approval.requester}, not by ${context.actor}`, { module: 'modbus', tag });
      }
      return gateway().write(tag, value, approval);
    },
  },
});
