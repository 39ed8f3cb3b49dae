/**
 * Every module Gatehouse knows, by contract. Adding a module is one folder under modules/ and one line here:
 * the agent loads `<name>/agent.js`, the web app loads `<name>/page.tsx`, the console relays by contract.
 */
import type { ModuleContract } from './kernel/contract.js';
import { contract as processContract } from './process/contract.js';
import { contract as fileContract } from './file/contract.js';
import { contract as terminalContract } from './terminal/contract.js';

export const moduleContracts: readonly ModuleContract[] = [processContract, fileContract, terminalContract];

export function findContract(name: string): ModuleContract | undefined {
  return moduleContracts.find((c) => c.name === name);
}
