import { z } from 'zod';
import { defineModule } from '../kernel/contract.js';

export const signalNames = ['TERM', 'KILL', 'HUP', 'INT', 'STOP', 'CONT'] as const;

const pid = z.number().int().positive().max(2 ** 22);

export const processSchema = z.object({
  pid,
  ppid: z.number().int().nonnegative(),
  user: z.string().max(64),
  uid: z.number().int().nonnegative(),
  /** The short name the kernel keeps (comm), shown when there is no command line (kernel threads). */
  name: z.string().max(64),
  /** Full command line, arguments joined by spaces; empty for kernel threads. Bounded. */
  command: z.string().max(4096),
  /** R running, S sleeping, D disk wait, Z zombie, T stopped, t traced, I idle, X dead. */
  state: z.string().max(2),
  /** Share of one CPU used since the previous sample (top's convention: may exceed 100 on several cores). */
  cpuPercent: z.number().nonnegative(),
  residentBytes: z.number().nonnegative(),
  virtualBytes: z.number().nonnegative(),
  nice: z.number().int().min(-20).max(19),
  threads: z.number().int().nonnegative(),
  /** ISO 8601 time the process started. */
  startedAt: z.string(),
});
export type ProcessInfo = z.infer<typeof processSchema>;

export interface ProcessTreeNode extends ProcessInfo {
  children: ProcessTreeNode[];
}
export const processTreeNodeSchema: z.ZodType<ProcessTreeNode> = z.lazy(() =>
  processSchema.extend({ children: z.array(processTreeNodeSchema) }),
);

export const contract = defineModule({
  name: 'process',
  title: 'Processes',
  permissions: {
    'process.read': { risk: 'read', summary: 'See the processes running on a host, their owners and resource use.' },
    'process.signal': {
      risk: 'change',
      summary: 'Send signals to processes (terminate, kill, hang up, stop, continue) and change their priority.',
    },
  },
  methods: {
    list: {
      summary: 'List every process with its owner, state, CPU and memory use.',
      permission: 'process.read',
      params: z.object({}).strict().default({}),
      result: z.object({ processes: z.array(processSchema), sampledAt: z.string() }),
    },
    tree: {
      summary: 'The processes arranged by parent, from PID 1 (and any orphans) down.',
      permission: 'process.read',
      params: z.object({}).strict().default({}),
      result: z.object({ roots: z.array(processTreeNodeSchema), sampledAt: z.string() }),
    },
    signal: {
      summary: 'Send a signal to one process.',
      permission: 'process.signal',
      params: z.object({ pid, signal: z.enum(signalNames) }).strict(),
      result: z.object({ pid, signal: z.enum(signalNames) }),
    },
    renice: {
      summary: 'Change the scheduling priority (nice value) of one process.',
      permission: 'process.signal',
      params: z.object({ pid, nice: z.number().int().min(-20).max(19) }).strict(),
      result: z.object({ pid, nice: z.number().int() }),
    },
  },
});
