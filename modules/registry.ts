/**
 * Every module Gatehouse knows, by contract. Adding a module is one folder under modules/ and one line here:
 * the agent loads `<name>/agent.js`, the web app loads `<name>/page.tsx`, the console relays by contract.
 */
import type { ModuleContract } from './kernel/contract.js';
import { contract as processContract } from './process/contract.js';
import { contract as fileContract } from './file/contract.js';
import { contract as terminalContract } from './terminal/contract.js';
import { contract as userContract } from './user/contract.js';
import { contract as groupContract } from './group/contract.js';
import { contract as serviceContract } from './service/contract.js';
import { contract as metricsContract } from './metrics/contract.js';
import { contract as networkContract } from './network/contract.js';
import { contract as powerContract } from './power/contract.js';
import { contract as packageContract } from './package/contract.js';
import { contract as modbusContract } from './modbus/contract.js';

export const moduleContracts: readonly ModuleContract[] = [processContract, fileContract, terminalContract, userContract, groupContract, serviceContract, metricsContract, networkContract, powerContract, packageContract, modbusContract];

export function findContract(name: string): ModuleContract | undefined {
  return moduleContracts.find((c) => c.name === name);
}
