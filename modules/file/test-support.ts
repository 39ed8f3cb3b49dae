/**
 * Shared by the file module's tests: a real temporary directory tree to jail into, a call helper that checks
 * params and results against the contract as the agent's dispatcher does, and an in-memory stand-in for a
 * stream channel. Not imported by the agent.
 */
import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { z } from 'zod';
import type { AgentStream, CallContext } from '../kernel/handler.js';
import { agentPolicySchema } from '../kernel/policy.js';
import { tempMarker } from './atomic-write.js';
import { handlers } from './agent.js';
import { contract } from './contract.js';

export interface FileRootFixture {
  /** The temporary directory holding everything below. */
  readonly base: string;
  /** The only file root the policy allows. */
  readonly root: string;
  /** A sibling of the root that must never be touched. */
  readonly outside: string;
  readonly context: CallContext;
  remove(): Promise<void>;
}

export async function makeFileRoot(): Promise<FileRootFixture> {
  const base = await mkdtemp(join(tmpdir(), 'gatehouse-file-'));
  const root = join(base, 'root');
  const outside = join(base, 'outside');
  await mkdir(root);
  await mkdir(outside);
  return { base, root, outside, context: contextFor([root]), remove: () => rm(base, { recursive: true, force: true }) };
}

export function contextFor(fileRoots: string[], signal: AbortSignal = new AbortController().signal): CallContext {
  return { policy: agentPolicySchema.parse({ fileRoots }), signal, actor: 'test' };
}

type Methods = typeof contract.methods;
type Streams = typeof contract.streams;

/** Call a method the way the dispatcher does: params parsed by the contract, the result checked by it too. */
export async function call<M extends keyof Methods>(
  method: M,
  params: z.input<Methods[M]['params']>,
  context: CallContext,
): Promise<z.output<Methods[M]['result']>> {
  const spec = contract.methods[method];
  const handler = handlers.methods[method] as (params: unknown, context: CallContext) => Promise<unknown>;
  const result = await handler(spec.params.parse(params), context);
  return spec.result.parse(result) as z.output<Methods[M]['result']>;
}

/** Open a stream the way the dispatcher does. */
export async function openStream<S extends keyof Streams>(
  name: S,
  params: z.input<Streams[S]['params']>,
  stream: AgentStream,
  context: CallContext,
): Promise<z.output<Streams[S]['result']>> {
  const spec = contract.streams[name];
  const handler = handlers.streams[name] as (params: unknown, stream: AgentStream, context: CallContext) => Promise<unknown>;
  const result = await handler(spec.params.parse(params), stream, context);
  return spec.result.parse(result) as z.output<Streams[S]['result']>;
}

export interface MemoryStream {
  readonly stream: AgentStream;
  /** What the handler wrote (download), in order. */
  readonly sent: Buffer[];
  readonly controller: AbortController;
}

/**
 * Stands in for the wire: `write` collects chunks (and copies them, as the socket would), `chunks()` yields
 * the given buffers. `beforeChunk(i)` runs before chunk i is yielded, e.g. to cancel the channel mid-upload.
 */
export function memoryStream(input: readonly Buffer[] = [], beforeChunk?: (index: number, controller: AbortController) => void): MemoryStream {
  const controller = new AbortController();
  const sent: Buffer[] = [];
  const stream: AgentStream = {
    signal: controller.signal,
    onControl: () => undefined,
    sendEvent: () => undefined,
    async write(chunk) {
      sent.push(Buffer.from(chunk));
    },
    async *chunks() {
      for (const [index, chunk] of input.entries()) {
        beforeChunk?.(index, controller);
        yield chunk;
      }
    },
  };
  return { stream, sent, controller };
}

/** Every leftover temporary file under `directory`; a passing test leaves none. */
export async function leftoverTempFiles(directory: string): Promise<string[]> {
  // Walked by hand: readdir's `recursive` option follows symlinked directories, and the tests plant links to /etc.
  const found: string[] = [];
  for (const entry of await readdir(directory, { withFileTypes: true })) {
    const path = join(directory, entry.name);
    if (entry.name.includes(tempMarker)) found.push(path);
    if (entry.isDirectory()) found.push(...(await leftoverTempFiles(path)));
  }
  return found;
}
