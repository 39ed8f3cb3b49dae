/**
 * The agent's telemetry: the Modbus gateway polls its devices and hands each tick's samples to the on-disk
 * queue; the sender delivers the queue to whichever console connection is up. Polling and queueing go on while
 * the console is away, so a gateway keeps its record through a cut and replays it afterwards.
 */
import { join } from 'node:path';
import { Gateway } from '../modules/modbus/gateway.js';
import { registerGateway } from '../modules/modbus/runtime.js';
import { log } from './log.js';
import { TelemetryQueue } from './telemetry-queue.js';
import { TelemetrySender } from './telemetry-sender.js';

export class AgentTelemetry {
  private constructor(
    readonly queue: TelemetryQueue,
    readonly gateway: Gateway,
    readonly sender: TelemetrySender,
  ) {}

  /** `writableTags` is the local policy's modbusWritableTags, enforced by the gateway on every write. */
  static async open(dataDir: string, writableTags?: readonly string[]): Promise<AgentTelemetry> {
    const queue = await TelemetryQueue.open(join(dataDir, 'telemetry'));
    const gateway = await Gateway.open({
      dataDir,
      ...(writableTags ? { writableTags } : {}),
      onSamples: (samples) =>
        queue.append(samples).catch((err: unknown) => log.error('could not queue telemetry', { message: (err as Error).message, samples: samples.length })),
    });
    registerGateway(gateway, () => {
      const stats = queue.stats();
      return { pendingBatches: stats.pendingBatches, bytes: stats.bytes, lostSamples: stats.lostSamples };
    });
    return new AgentTelemetry(queue, gateway, new TelemetrySender(queue));
  }

  async close(): Promise<void> {
    this.sender.detach();
    registerGateway(undefined);
    await this.gateway.close();
    await this.queue.close();
  }
}
