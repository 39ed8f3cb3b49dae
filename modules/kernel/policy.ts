/**
 * The agent's local policy: what the owner of a machine allows, enforced by the agent itself so that a
 * gateway stays safe even if the console is not. The console can read it but never change it.
 */
import { z } from 'zod';
import { maxTagPatterns, tagPatternSchema } from './writable-tags.js';

export const agentPolicySchema = z
  .object({
    /** Modules this agent serves; absent means all registered modules. */
    modules: z.array(z.string().regex(/^[a-z][a-z0-9-]*$/)).optional(),
    /** Absolute directories the file module may touch; `/` (the default) is the whole machine, as in Webmin. */
    fileRoots: z.array(z.string().startsWith('/')).min(1).default(['/']),
    /** When true, every method whose risk is not `read` is refused. */
    readOnly: z.boolean().default(false),
    /** How long a terminal whose page went away stays alive, detached, waiting to be re-attached. */
    terminalDetachedMinutes: z.number().int().min(0).max(24 * 60).default(10),
    /**
     * Modbus tags that may be written (`*` for one dotted segment); absent means the device profiles' write rules
     * decide, a list (even empty) means only these, and still only within the profile's rule (writable-tags.ts).
     */
    modbusWritableTags: z.array(tagPatternSchema).max(maxTagPatterns).optional(),
  })
  .strict();

export type AgentPolicy = z.output<typeof agentPolicySchema>;

export const defaultAgentPolicy: AgentPolicy = agentPolicySchema.parse({});
