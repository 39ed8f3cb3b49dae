/**
 * Serving calls and streams from the console: find the module and method, check the local policy, validate
 * params, run the handler with a timeout, validate its result. Every failure becomes a problem code; nothing
 * a console sends can crash the agent.
 */
import { z } from 'zod';
import { methodOf, riskOf, streamOf, type MethodSpec, type StreamSpec } from '../modules/kernel/contract.js';
import { GatehouseError, problemFromSystemError } from '../modules/kernel/errors.js';
import type { AgentStream, CallContext, ModuleHandlers } from '../modules/kernel/handler.js';
import type { AgentPolicy } from '../modules/kernel/policy.js';
import { defaultCallTimeoutMs } from '../modules/kernel/wire.js';
import { log } from './log.js';

export interface DispatchRequest {
  module: string;
  name: string;
  params: unknown;
  actor: string | undefined;
}

export class Dispatcher {
  readonly #handlers: Map<string, ModuleHandlers>;
  readonly #policy: AgentPolicy;
  readonly #timeoutMs: number;

  constructor(handlers: Map<string, ModuleHandlers>, policy: AgentPolicy, timeoutMs = defaultCallTimeoutMs) {
    this.#handlers = handlers;
    this.#policy = policy;
    this.#timeoutMs = timeoutMs;
  }

  /** Names of the modules served, for the console's host page. */
  get moduleNames(): string[] {
    return [...this.#handlers.keys()];
  }

  async call(request: DispatchRequest, outerSignal: AbortSignal): Promise<unknown> {
    const handlers = this.#module(request.module);
    const spec = methodOf(handlers.contract, request.name);
    const run = spec ? handlers.methods[request.name] : undefined;
    if (!spec || !run) throw new GatehouseError('unknown-method', `module ${request.module} has no method ${request.name}`);
    this.#checkPolicy(handlers, spec, request);
    const params = parse(spec.params, request.params, 'invalid-params', request);
    return this.#withTimeout(outerSignal, request, async (context) =>
      parse(spec.result, await run(params, context), 'internal-error', request),
    );
  }

  async stream(request: DispatchRequest, stream: AgentStream): Promise<unknown> {
    const handlers = this.#module(request.module);
    const spec = streamOf(handlers.contract, request.name);
    const run = spec ? handlers.streams[request.name] : undefined;
    if (!spec || !run) throw new GatehouseError('unknown-method', `module ${request.module} has no stream ${request.name}`);
    this.#checkPolicy(handlers, spec, request);
    const params = parse(spec.params, request.params, 'invalid-params', request);
    // Streams run as long as bytes flow; they end when the console cancels (stream.signal), not on a timer.
    const context: CallContext = { policy: this.#policy, signal: stream.signal, actor: request.actor };
    const control = spec.control;
    // Control messages reach the handler only when they match the contract; others are dropped and logged.
    const checked: AgentStream = {
      write: (chunk) => stream.write(chunk),
      chunks: () => stream.chunks(),
      sendEvent: (message) => stream.sendEvent(message),
      signal: stream.signal,
      onControl: (listener) =>
        stream.onControl((message) => {
          const parsed = control?.safeParse(message);
          if (parsed?.success) listener(parsed.data);
          else log.warn('dropped a control message that does not match the contract', { module: request.module, stream: request.name });
        }),
    };
    try {
      return parse(spec.result, await run(params, checked, context), 'internal-error', request);
    } catch (err) {
      throw problemFromSystemError(err, { module: request.module, method: request.name });
    }
  }

  #module(name: string): ModuleHandlers {
    const handlers = this.#handlers.get(name);
    if (!handlers) {
      throw new GatehouseError('unknown-module', `this agent does not serve module ${name}`, { module: name });
    }
    return handlers;
  }

  #checkPolicy(handlers: ModuleHandlers, spec: MethodSpec | StreamSpec, request: DispatchRequest): void {
    if (this.#policy.readOnly && riskOf(handlers.contract, spec) !== 'read') {
      throw new GatehouseError(
        'policy-denied',
        `this agent is read-only by its local policy; ${request.module}.${request.name} changes the host`,
        { module: request.module, method: request.name },
      );
    }
  }

  async #withTimeout<T>(outer: AbortSignal, request: DispatchRequest, work: (context: CallContext) => Promise<T>): Promise<T> {
    const controller = new AbortController();
    const onAbort = () => controller.abort();
    outer.addEventListener('abort', onAbort, { once: true });
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        controller.abort();
        reject(new GatehouseError('timeout', `${request.module}.${request.name} took longer than ${this.#timeoutMs / 1000} s`));
      }, this.#timeoutMs);
    });
    try {
      return await Promise.race([work({ policy: this.#policy, signal: controller.signal, actor: request.actor }), timeout]);
    } catch (err) {
      throw problemFromSystemError(err, { module: request.module, method: request.name });
    } finally {
      clearTimeout(timer);
      outer.removeEventListener('abort', onAbort);
    }
  }
}

function parse(schema: z.ZodType, value: unknown, code: 'invalid-params' | 'internal-error', request: DispatchRequest): unknown {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const where = issue?.path.length ? issue.path.join('.') : code === 'invalid-params' ? 'params' : 'result';
  const message =
    code === 'invalid-params'
      ? `${where}: ${issue?.message ?? 'invalid'}`
      : `${request.module}.${request.name} produced a result that does not match its contract (${where}: ${issue?.message})`;
  throw new GatehouseError(code, message, { module: request.module, method: request.name });
}
