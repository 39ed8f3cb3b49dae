import { z } from 'zod';
import { defineModule } from '../kernel/contract.js';
import { metricsSampleSchema } from '../kernel/metrics-sample.js';

export { metricsSampleSchema, type MetricsSample } from '../kernel/metrics-sample.js';

const text = (max: number) => z.string().max(max);
const bytes = z.number().finite().nonnegative();

/** What the machine is, from systeminformation: read when asked, never on the sampling path. */
export const inventorySchema = z.object({
  os: z.object({ distro: text(200), release: text(100), codename: text(100), kernel: text(200), arch: text(32), hostname: text(253) }),
  cpu: z.object({ manufacturer: text(100), brand: text(200), cores: z.number().int().nonnegative(), physicalCores: z.number().int().nonnegative(), speedGHz: z.number().nonnegative() }),
  memory: z.object({ total: bytes, swapTotal: bytes }),
  disks: z.array(z.object({ device: text(200), type: text(50), name: text(200), vendor: text(100), size: bytes })).max(128),
  nics: z
    .array(z.object({ name: text(64), mac: text(64), ipv4: text(64), ipv6: text(128), speedMbps: z.number().nonnegative().nullable(), virtual: z.boolean() }))
    .max(128),
  /** Whether this is a virtual machine or container, and which kind as far as it can be told. */
  virtualization: z.object({ virtual: z.boolean(), host: text(100) }),
  system: z.object({ manufacturer: text(100), model: text(100) }),
});
export type Inventory = z.infer<typeof inventorySchema>;

export const contract = defineModule({
  name: 'metrics',
  title: 'Metrics',
  permissions: {
    'metrics.read': {
      risk: 'read',
      summary: 'See how busy a host is (CPU, memory, disks, network, temperatures) now and in the past, and what hardware it has.',
    },
  },
  methods: {
    snapshot: {
      summary: 'CPU, load, memory, disk, network and temperature figures as they are now.',
      permission: 'metrics.read',
      params: z.object({}).strict().default({}),
      result: metricsSampleSchema,
    },
    inventory: {
      summary: 'The operating system, kernel, CPU model, memory, disks, network interfaces and virtualisation.',
      permission: 'metrics.read',
      params: z.object({}).strict().default({}),
      result: inventorySchema,
    },
  },
});
