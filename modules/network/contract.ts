import { z } from 'zod';
import { defineModule } from '../kernel/contract.js';
import { hostnameProblem } from './hostname-pattern.js';

const interfaceName = z.string().max(64);
const address = z.string().max(64);

export const interfaceAddressSchema = z.object({
  family: z.enum(['inet', 'inet6']),
  address,
  /** Prefix length (CIDR), e.g. 24 for a /24. */
  prefix: z.number().int().min(0).max(128),
});

export const networkInterfaceSchema = z.object({
  name: interfaceName,
  /** Hardware address, lower case; null for interfaces without one (loopback reports 00:…:00, kept). */
  mac: z.string().max(64).nullable(),
  /** The kernel's operstate: up, down, unknown, dormant, lowerlayerdown, notpresent, testing. */
  state: z.string().max(32),
  mtu: z.number().int().nonnegative().nullable(),
  /** Link speed in Mbit/s; null when the driver does not say (virtual interfaces, links that are down). */
  speedMbps: z.number().int().nonnegative().nullable(),
  /** ether, loopback, ppp, … from /sys/class/net/<name>/type. */
  kind: z.string().max(32),
  /** The driver says so (virtual interfaces live under /sys/devices/virtual/net). */
  virtual: z.boolean(),
  addresses: z.array(interfaceAddressSchema).max(1024),
  rxBytes: z.number().nonnegative().nullable(),
  txBytes: z.number().nonnegative().nullable(),
});
export type NetworkInterface = z.infer<typeof networkInterfaceSchema>;
export type InterfaceAddress = z.infer<typeof interfaceAddressSchema>;

export const routeSchema = z.object({
  family: z.enum(['inet', 'inet6']),
  /** Destination in CIDR form; `default` for the default route. */
  destination: z.string().max(64),
  /** Next hop; null for directly connected networks. */
  gateway: address.nullable(),
  interface: interfaceName,
  metric: z.number().int().nonnegative(),
});
export type Route = z.infer<typeof routeSchema>;

export const listeningSocketSchema = z.object({
  protocol: z.enum(['tcp', 'tcp6', 'udp', 'udp6']),
  address,
  port: z.number().int().min(0).max(65535),
  /** The owning process; null when it is not visible to the agent (another PID namespace, or gone). */
  pid: z.number().int().positive().nullable(),
  process: z.string().max(64).nullable(),
  /** Unix user id owning the socket. */
  uid: z.number().int().nonnegative(),
});
export type ListeningSocket = z.infer<typeof listeningSocketSchema>;

/** A host name as RFC 1123 has it; refused here, before any program runs. */
export const hostnameSchema = z.string().superRefine((value, ctx) => {
  const problem = hostnameProblem(value);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

const hostnameResult = z.object({
  /** What the kernel says now (uname). */
  hostname: z.string().max(253),
  /** What /etc/hostname says (used at boot); null when the file is missing. */
  staticHostname: z.string().max(253).nullable(),
});

export const contract = defineModule({
  name: 'network',
  title: 'Network',
  permissions: {
    'network.read': {
      risk: 'read',
      summary: 'See a host’s network interfaces, addresses, routes, DNS resolvers, listening ports and host name.',
    },
    'network.hostname': {
      risk: 'dangerous',
      summary:
        'Change a host’s name. Dangerous: monitoring, certificates, SSH known-hosts and plant systems that find a gateway by name can lose it.',
    },
  },
  methods: {
    interfaces: {
      summary: 'Every network interface with its hardware address, state, MTU, speed and addresses.',
      permission: 'network.read',
      params: z.object({}).strict().default({}),
      result: z.object({ interfaces: z.array(networkInterfaceSchema).max(4096) }),
    },
    routes: {
      summary: 'The IPv4 and IPv6 routing tables (main table).',
      permission: 'network.read',
      params: z.object({}).strict().default({}),
      result: z.object({ routes: z.array(routeSchema).max(65536) }),
    },
    dns: {
      summary: 'The DNS resolvers and search domains the host uses.',
      permission: 'network.read',
      params: z.object({}).strict().default({}),
      result: z.object({
        nameservers: z.array(address).max(64),
        search: z.array(z.string().max(253)).max(64),
        /** The file read, e.g. /etc/resolv.conf. */
        source: z.string().max(256),
        /** When systemd-resolved's stub (127.0.0.53) is in resolv.conf: the servers it forwards to. */
        upstream: z.array(address).max(64).nullable(),
      }),
    },
    listening: {
      summary: 'Listening TCP sockets and bound UDP sockets, with the owning process.',
      permission: 'network.read',
      params: z.object({}).strict().default({}),
      result: z.object({ sockets: z.array(listeningSocketSchema).max(65536) }),
    },
    hostname: {
      summary: 'The host name, as the kernel has it and as /etc/hostname keeps it.',
      permission: 'network.read',
      params: z.object({}).strict().default({}),
      result: hostnameResult,
    },
    setHostname: {
      summary: 'Set the host name, now and at boot (hostnamectl, or /etc/hostname and the hostname tool).',
      permission: 'network.hostname',
      params: z.object({ hostname: hostnameSchema }).strict(),
      result: hostnameResult.extend({ method: z.enum(['hostnamectl', 'hostname']) }),
    },
  },
});
