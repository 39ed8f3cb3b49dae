/**
 * The agent's end of the Modbus module. Polling and telemetry run on their own (see gateway.ts); these handlers
 * are what people ask of it. The dispatcher has checked params, permissions and the local read-only policy.
 */
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

    async write({ tag, value }) {
      return gateway().write(tag, value);
    },
  },
});
