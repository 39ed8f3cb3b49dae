/**
 * Loading the agent's local policy file. Without one the agent serves every module over the whole file system,
 * as Webmin does for root; a gateway owner writes policy.json to narrow it, and the console cannot change it.
 */
import { readFile, realpath } from 'node:fs/promises';
import { agentPolicySchema, defaultAgentPolicy, type AgentPolicy } from '../modules/kernel/policy.js';
import { moduleContracts } from '../modules/registry.js';

export async function loadPolicy(path: string, required: boolean): Promise<AgentPolicy> {
  let raw: string;
  try {
    raw = await readFile(path, 'utf8');
  } catch (err) {
    if (!required && (err as NodeJS.ErrnoException).code === 'ENOENT') return defaultAgentPolicy;
    throw new Error(`cannot read policy file ${path}: ${(err as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch (err) {
    throw new Error(`policy file ${path} is not valid JSON: ${(err as Error).message}`);
  }
  const parsed = agentPolicySchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const key = issue?.path.join('.') || '(top level)';
    throw new Error(`policy file ${path}: ${key}: ${issue?.message ?? 'invalid'}`);
  }
  const known = new Set(moduleContracts.map((c) => c.name));
  for (const name of parsed.data.modules ?? []) {
    if (!known.has(name)) throw new Error(`policy file ${path}: modules: unknown module "${name}" (known: ${[...known].join(', ')})`);
  }
  // Roots are resolved once here so the file module compares real paths with real paths.
  const fileRoots = await Promise.all(
    parsed.data.fileRoots.map(async (root) => {
      try {
        return await realpath(root);
      } catch {
        throw new Error(`policy file ${path}: fileRoots: ${root} does not exist`);
      }
    }),
  );
  return { ...parsed.data, fileRoots };
}
