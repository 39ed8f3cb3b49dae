/**
 * The module contract: what a module offers, checked at both ends.
 *
 * A module declares its permission codes (each with a risk level and a sentence in plain words), its
 * request–response methods and its streams, all with zod schemas. The agent's dispatcher, the console's
 * relay and the permission catalogue are generic over this; nothing outside a module's folder restates it.
 */
import type { z } from 'zod';

export type Risk = 'read' | 'change' | 'dangerous';

export interface PermissionSpec {
  readonly risk: Risk;
  /** One sentence a person reads in the permission catalogue: what holding this code lets you do. */
  readonly summary: string;
}

export interface MethodSpec<P extends string = string> {
  readonly summary: string;
  readonly permission: P;
  readonly params: z.ZodType;
  readonly result: z.ZodType;
}

/**
 * A stream moves bytes on a numbered channel with credit-based flow control.
 * `download`: agent → console bytes; `upload`: console → agent bytes; `duplex`: both at once (a terminal).
 * Each ends with a result. A stream may also carry small JSON messages beside its bytes: `control` from the
 * console to the agent (e.g. a terminal resize) and `event` from the agent to the console (e.g. the session id).
 */
export interface StreamSpec<P extends string = string> {
  readonly summary: string;
  readonly permission: P;
  readonly direction: 'download' | 'upload' | 'duplex';
  readonly params: z.ZodType;
  readonly result: z.ZodType;
  readonly control?: z.ZodType;
  readonly event?: z.ZodType;
}

export interface ModuleContract<P extends string = string> {
  /** Lower-case name, also the first part of every permission code and the folder under modules/. */
  readonly name: string;
  readonly title: string;
  readonly permissions: Readonly<Record<P, PermissionSpec>>;
  readonly methods: Readonly<Record<string, MethodSpec<P>>>;
  readonly streams: Readonly<Record<string, StreamSpec<P>>>;
}

/** Declare a module; the generics make every method name a permission code the module itself declares. */
export function defineModule<
  const P extends string,
  const M extends Record<string, MethodSpec<NoInfer<P>>>,
  const S extends Record<string, StreamSpec<NoInfer<P>>> = Record<never, never>,
>(contract: {
  name: string;
  title: string;
  permissions: Record<P, PermissionSpec>;
  methods: M;
  streams?: S;
}): { name: string; title: string; permissions: Record<P, PermissionSpec>; methods: M; streams: S } {
  for (const [name, method] of Object.entries<MethodSpec>(contract.methods)) {
    if (!(method.permission in contract.permissions)) {
      throw new Error(`module ${contract.name}: method ${name} names undeclared permission ${method.permission}`);
    }
  }
  return { ...contract, streams: (contract.streams ?? {}) as S };
}

export type ParamsOf<M extends MethodSpec | StreamSpec> = z.input<M['params']>;
export type ResultOf<M extends MethodSpec | StreamSpec> = z.output<M['result']>;

/** The risk of a method or stream, looked up through its permission code. */
export function riskOf(contract: ModuleContract, spec: MethodSpec | StreamSpec): Risk {
  const permission = contract.permissions[spec.permission];
  // defineModule already refused undeclared codes; an unknown one here is treated as the highest risk.
  return permission?.risk ?? 'dangerous';
}

/** A method by name; own keys only, so `constructor` or `__proto__` from the wire never resolve to anything. */
export function methodOf(contract: ModuleContract, name: string): MethodSpec | undefined {
  return Object.hasOwn(contract.methods, name) ? contract.methods[name] : undefined;
}

/** A stream by name; own keys only, as for methods. */
export function streamOf(contract: ModuleContract, name: string): StreamSpec | undefined {
  return Object.hasOwn(contract.streams, name) ? contract.streams[name] : undefined;
}
