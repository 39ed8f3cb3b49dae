/**
 * Loading the module handlers this agent serves: every registered module unless the local policy lists fewer.
 * Handlers are found by convention at modules/<name>/agent.js, so registering a module is one line in
 * modules/registry.ts.
 */
import type { ModuleHandlers } from '../modules/kernel/handler.js';
import type { AgentPolicy } from '../modules/kernel/policy.js';
import { moduleContracts } from '../modules/registry.js';

export async function loadModuleHandlers(policy: AgentPolicy): Promise<Map<string, ModuleHandlers>> {
  const enabled = policy.modules ? new Set(policy.modules) : undefined;
  const handlers = new Map<string, ModuleHandlers>();
  for (const contract of moduleContracts) {
    if (enabled && !enabled.has(contract.name)) continue;
    const loaded = (await import(`../modules/${contract.name}/agent.js`)) as { handlers?: ModuleHandlers };
    if (!loaded.handlers || loaded.handlers.contract.name !== contract.name) {
      throw new Error(`modules/${contract.name}/agent.ts must export "handlers" made with defineHandlers(contract, …)`);
    }
    handlers.set(contract.name, loaded.handlers);
  }
  return handlers;
}
