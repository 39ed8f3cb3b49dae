/**
 * Performing an approved request through the relay, as the requester, with the params stored on the request.
 * A call answers its result; a download stream (package.remove) is read to its end here on the console, since
 * nobody's browser is waiting on it, and answers its result with the tail of its output.
 */
import type { ApprovalView } from '../../../modules/kernel/approvals.js';
import type { ModuleContract, MethodSpec, StreamSpec } from '../../../modules/kernel/contract.js';
import type { AuditTrail } from '../audit.js';
import type { Caller, Relay } from '../relay.js';

/** How much of a stream's output is kept on the request: the end, where apt says what happened. */
const outputTailChars = 2000;

export async function performApproved(
  relay: Relay,
  audit: AuditTrail,
  caller: Caller,
  request: ApprovalView,
  target: { contract: ModuleContract; spec: MethodSpec | StreamSpec; kind: 'method' | 'stream'; module: string; name: string },
  approver: string,
): Promise<unknown> {
  const approvedBy = `approved by ${approver} (request ${request.id})`;
  if (target.kind === 'stream') {
    const channel = await relay.open(caller, request.hostId, target.module, target.name, request.params, { detail: approvedBy });
    const output = await tail(channel.readable);
    const result = await channel.result;
    return { result, output };
  }
  if (request.action !== 'modbus.write') return relay.call(caller, request.hostId, target.module, target.name, request.params);
  // The gateway checks a write to an `approval: true` tag itself: it gets the approval with both names.
  const stamp = { id: request.id, requester: request.requester, approver };
  const result = (await relay.call(caller, request.hostId, 'modbus', 'write', { ...request.params, approval: stamp })) as Record<string, unknown>;
  // As sites.ts does for every setpoint: old, new and read-back in the entry itself (SECURITY.md rule 9).
  await audit.record({
    user: request.requester,
    address: caller.address,
    hostId: request.hostId,
    hostName: request.hostName,
    action: 'modbus.setpoint',
    phase: 'event',
    result: result.outcome === 'confirmed' ? 'ok' : 'error',
    detail: `${String(result.tag)}: ${String(result.previous)} → ${String(result.requested)}, read back ${String(result.readBack)} (${String(result.outcome)}); reason: ${String(request.params.reason ?? request.reason)}; ${approvedBy}`.slice(0, 1000),
  });
  return result;
}

async function tail(readable: ReadableStream<Uint8Array>): Promise<string> {
  const decoder = new TextDecoder();
  let text = '';
  const reader = readable.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      text = (text + decoder.decode(value, { stream: true })).slice(-outputTailChars);
    }
  } catch {
    // The channel's result says how it failed; the output so far is still worth keeping.
  }
  return text;
}
