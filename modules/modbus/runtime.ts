import { GatehouseError } from '../kernel/errors.js';
import type { Gateway } from './gateway.js';

/**
 * The agent runs one Gateway per process (it owns the buses and the on-disk profile); the agent starts it with
 * its data directory and registers it here, and the module's handlers reach it through this one door.
 */
let running: Gateway | undefined;
let queueFigures: () => { pendingBatches: number; bytes: number; lostSamples: number } = () => ({ pendingBatches: 0, bytes: 0, lostSamples: 0 });

export function registerGateway(gateway: Gateway | undefined, queue?: typeof queueFigures): void {
  running = gateway;
  if (queue) queueFigures = queue;
}

export function gateway(): Gateway {
  if (!running) throw new GatehouseError('not-supported', 'The Modbus gateway is not running on this agent.', { module: 'modbus' });
  return running;
}

export function telemetryQueueFigures(): { pendingBatches: number; bytes: number; lostSamples: number } {
  return queueFigures();
}
