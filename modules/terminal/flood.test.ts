/**
 * A flood of output against a slow reader: the agent must not queue it (the program printing blocks instead),
 * and Ctrl-C must still stop it promptly, measured in bytes that arrive after the interrupt. And a flood of
 * input (a huge paste) into a program that does not read waits at its source, not in the agent.
 */
import { afterEach, expect, it } from 'vitest';
import { contextFor, eventually, terminalFixture, WireStandIn } from './test-support.js';

const fx = terminalFixture();

afterEach(() => fx.cleanUp());

const KiB = 1024;
const MiB = 1024 * KiB;

/**
 * A reader far slower than the shell can print: every `everyMs` it takes up to `bytes` of what arrived and
 * returns that much credit, as the console does, so no more than the window is ever outstanding.
 */
function slowReader(wire: WireStandIn, bytes: number, everyMs: number) {
  let consumed = 0;
  const timer = setInterval(() => {
    const take = Math.min(bytes, wire.outputBytes - consumed);
    consumed += take;
    if (take > 0) wire.grant(take);
  }, everyMs);
  return { stop: () => clearInterval(timer) };
}

/** Wait until no output has arrived for `quietMs`. */
async function quiet(wire: WireStandIn, quietMs: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (let last = -1; wire.outputBytes !== last; ) {
    if (Date.now() > deadline) throw new Error('the output did not stop');
    last = wire.outputBytes;
    await new Promise((resolve) => setTimeout(resolve, quietMs));
  }
}

async function floodingShell(command: string) {
  const wire = new WireStandIn(256 * KiB);
  const ended = fx.open({ cols: 80, rows: 24 }, wire, contextFor('alice'));
  ended.catch(() => undefined);
  await eventually(() => wire.events.length > 0, 'the attached event');
  const sessionId = wire.events[0]!.type === 'attached' ? wire.events[0]!.sessionId : '';
  const terminal = fx.sessions.get(sessionId)!;
  wire.type(`${command}\r`);
  return { wire, terminal };
}

it('holds a flood in the PTY, not in the agent, while the reader is slow', async () => {
  const { wire, terminal } = await floodingShell('head -c 50M /dev/zero | base64');
  const reader = slowReader(wire, 64 * KiB, 10); // about 6 MiB/s; base64 alone makes hundreds
  await eventually(() => wire.outputBytes > 8 * MiB, '8 MiB of output', 20_000);
  reader.stop();
  // The reader takes nothing more: once the window is spent the PTY is paused, and the program is blocked,
  // so neither the agent's queue nor the output grows while we wait.
  await eventually(() => terminal.flow.paused, 'the PTY to be paused');
  const queuedWhenStopped = terminal.flow.queuedBytes;
  const outputWhenStopped = wire.outputBytes;
  await new Promise((resolve) => setTimeout(resolve, 500));
  const { queuedBytes, peakQueuedBytes, paused } = terminal.flow;
  console.info(`flood (base64): ${wire.outputBytes} bytes out, peak queued in the agent ${peakQueuedBytes}, now ${queuedBytes}`);
  expect(paused).toBe(true);
  // Pausing stops node-pty reading the PTY, but a read already under way still lands: allow that one read
  // (a few KiB), nothing like the megabytes an unpaused flood would pile up in the same time.
  expect(queuedBytes - queuedWhenStopped).toBeLessThan(64 * KiB);
  expect(wire.outputBytes).toBe(outputWhenStopped);
  expect(peakQueuedBytes).toBeLessThan(1 * MiB);
  // The screen keeps only the newest part of a flood unparsed (unparsed-output.ts), not all of it.
  expect(terminal.flow.unparsedBytes).toBeLessThanOrEqual(1 * MiB + 64 * KiB);
  expect(wire.outputBytes).toBeLessThan(50 * MiB); // far from done: head is blocked, not finished
});

it('stops a flood on Ctrl-C within a bounded number of bytes', async () => {
  const { wire, terminal } = await floodingShell('base64 /dev/zero');
  const reader = slowReader(wire, 32 * KiB, 10); // about 3 MiB/s
  await eventually(() => wire.outputBytes > 4 * MiB, '4 MiB of base64', 20_000);
  const atInterrupt = wire.outputBytes;
  const queuedAtInterrupt = terminal.flow.queuedBytes;
  wire.type(Buffer.from([0x03]));
  // From here the reader takes everything: whatever still comes was already on its way at the interrupt.
  reader.stop();
  wire.grant(Number.MAX_SAFE_INTEGER);
  await quiet(wire, 300, 10_000);
  const afterInterrupt = wire.outputBytes - atInterrupt;
  const { peakQueuedBytes } = terminal.flow;
  console.info(`flood (base64 /dev/zero): ${afterInterrupt} bytes after Ctrl-C, ${queuedAtInterrupt} queued at the interrupt, peak queued ${peakQueuedBytes}`);
  expect(peakQueuedBytes).toBeLessThan(1 * MiB);
  expect(afterInterrupt).toBeLessThan(1 * MiB);
  // And the shell is there again.
  const from = wire.outputBytes;
  wire.type('echo "after-$((6*7))"\r');
  await wire.waitFor('after-42', { from });
});

it('holds a huge paste at its source while the program does not read its input', async () => {
  const { wire, terminal } = await floodingShell('stty raw -echo; sleep 1.5; cat > /dev/null');
  await new Promise((resolve) => setTimeout(resolve, 300)); // raw mode is on; sleep reads nothing
  for (let i = 0; i < 32; i++) wire.type(Buffer.alloc(32 * KiB, 0x61)); // 1 MiB pasted
  await new Promise((resolve) => setTimeout(resolve, 500));
  const { pendingInputBytes } = terminal.flow;
  console.info(`paste: ${pendingInputBytes} bytes held in the agent, ${wire.inputWaiting} still at the source`);
  expect(pendingInputBytes).toBeLessThanOrEqual(64 * KiB + 32 * KiB);
  expect(wire.inputWaiting).toBeGreaterThan(512 * KiB);
  // Once cat reads, all of it goes through.
  await eventually(() => wire.inputWaiting === 0 && terminal.flow.pendingInputBytes === 0, 'the paste to drain', 10_000);
});
