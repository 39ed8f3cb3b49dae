import { z } from 'zod';

/**
 * A gateway's device profile: the buses it talks on, the devices on them and the tags each device offers.
 * Written by an engineer in the console (YAML or JSON), checked against this schema, pushed to the agent.
 * The agent polls exactly what the profile names and writes only tags that carry a write rule
 * (SECURITY.md rule 9: field writes are denied by default).
 */

/** Operator names for buses, devices and tags: letters, digits, `_ . -`, starting with a letter or digit. */
export const profileName = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, 'must be letters, digits and _ . - (starting with a letter or digit), at most 64');

const text = (max: number) => z.string().max(max);

/** Modbus TCP: a PLC or a serial gateway on the network. */
export const tcpBusSchema = z
  .object({
    id: profileName,
    kind: z.literal('tcp'),
    host: z.string().min(1).max(253),
    port: z.number().int().min(1).max(65535).default(502),
    /** Every request gives up after this long (modbus-serial has no timeout unless one is set). */
    timeoutMs: z.number().int().min(50).max(30_000).default(1000),
  })
  .strict();

/** Modbus RTU on a serial line (RS-485/RS-232, or a pseudo-terminal in tests). */
export const rtuBusSchema = z
  .object({
    id: profileName,
    kind: z.literal('rtu'),
    path: z
      .string()
      .min(1)
      .max(4096)
      .regex(/^\/dev\/[A-Za-z0-9_./-]+$/, 'must be a device path under /dev')
      // `/dev/../etc/…` matches the pattern; the agent would open (and write frames into) a file outside /dev.
      .refine((path) => !path.split('/').includes('..'), 'must be a device path under /dev (no ..)'),
    baudRate: z.number().int().min(300).max(921_600).default(9600),
    parity: z.enum(['none', 'even', 'odd']).default('none'),
    dataBits: z.union([z.literal(7), z.literal(8)]).default(8),
    stopBits: z.union([z.literal(1), z.literal(2)]).default(1),
    timeoutMs: z.number().int().min(50).max(30_000).default(1000),
  })
  .strict();

export const busSchema = z.discriminatedUnion('kind', [tcpBusSchema, rtuBusSchema]);
export type Bus = z.infer<typeof busSchema>;

export const registerAreas = ['coil', 'discrete-input', 'input-register', 'holding-register'] as const;
export type RegisterArea = (typeof registerAreas)[number];

export const dataTypes = ['bool', 'int16', 'uint16', 'int32', 'uint32', 'float32', 'float64'] as const;
export type DataType = (typeof dataTypes)[number];

/**
 * Byte and word order of multi-register values, written as the letters of the bytes A (most significant) … in the
 * order they arrive: ABCD big-endian (Modicon), CDAB word-swapped, BADC byte-swapped, DCBA little-endian.
 * For float64 the pattern extends to eight bytes the same way (ABCD → ABCDEFGH, CDAB → GHEFCDAB, …).
 */
export const wordOrders = ['ABCD', 'CDAB', 'BADC', 'DCBA'] as const;
export type WordOrder = (typeof wordOrders)[number];

/** Linear scaling: raw rawMin..rawMax maps to engMin..engMax, or engineering = raw × gain + offset. */
export const scalingSchema = z.union([
  z
    .object({ rawMin: z.number().finite(), rawMax: z.number().finite(), engMin: z.number().finite(), engMax: z.number().finite() })
    .strict()
    .refine((s) => s.rawMax !== s.rawMin, 'rawMax must differ from rawMin'),
  z.object({ gain: z.number().finite().refine((g) => g !== 0, 'gain must not be 0'), offset: z.number().finite().default(0) }).strict(),
]);
export type Scaling = z.infer<typeof scalingSchema>;

/**
 * What an authorised engineer may write to a tag (engineering units). Anything outside is refused before it
 * reaches the bus; `approval` asks for a second person: the gateway writes such a tag only with an approval naming
 * two different people, which the console attaches when it performs an approved request (docs/api.md, Approvals).
 */
export const writeRuleSchema = z
  .object({
    min: z.number().finite(),
    max: z.number().finite(),
    /** Largest change from the current read-back value in one write. */
    maxStep: z.number().finite().positive().optional(),
    /** Shortest time between two writes to this tag. */
    minIntervalSeconds: z.number().finite().min(0).max(86_400).default(5),
    approval: z.boolean().default(false),
  })
  .strict()
  .refine((r) => r.min <= r.max, 'min must not be greater than max');
export type WriteRule = z.infer<typeof writeRuleSchema>;

export const pollClassName = profileName;

export const tagSchema = z
  .object({
    name: profileName,
    description: text(256).default(''),
    area: z.enum(registerAreas),
    /** Zero-based protocol address (register 40001 is holding-register 0). */
    address: z.number().int().min(0).max(65_535),
    type: z.enum(dataTypes).default('uint16'),
    wordOrder: z.enum(wordOrders).default('ABCD'),
    /** For a bool kept in one bit of a register: that bit, 0 = least significant. */
    bit: z.number().int().min(0).max(15).optional(),
    scaling: scalingSchema.optional(),
    unit: text(16).default(''),
    /** Decimal places to show. */
    decimals: z.number().int().min(0).max(6).optional(),
    pollClass: pollClassName.default('normal'),
    /** Report by exception: a new value is sent when it moves more than this (engineering units) from the last sent. */
    deadband: z.number().finite().min(0).default(0),
    /** Expected range in engineering units; a reading outside is still reported (the sensor may be faulty). */
    range: z.object({ min: z.number().finite(), max: z.number().finite() }).strict().optional(),
    write: writeRuleSchema.optional(),
    /**
     * For a pump's running status (a bool): tags the agent derives and keeps across restarts when the device
     * does not count for itself.
     */
    track: z.object({ runHours: profileName.optional(), starts: profileName.optional() }).strict().optional(),
  })
  .strict()
  .superRefine((tag, ctx) => {
    const bitArea = tag.area === 'coil' || tag.area === 'discrete-input';
    if (bitArea && tag.type !== 'bool') ctx.addIssue({ code: 'custom', path: ['type'], message: `a ${tag.area} holds a bool` });
    if (tag.bit !== undefined && (bitArea || tag.type !== 'bool')) {
      ctx.addIssue({ code: 'custom', path: ['bit'], message: 'bit is for a bool kept in a register' });
    }
    if (tag.type === 'bool' && (tag.scaling || tag.decimals !== undefined)) {
      ctx.addIssue({ code: 'custom', path: ['scaling'], message: 'a bool has no scaling' });
    }
    if (tag.write && (tag.area === 'discrete-input' || tag.area === 'input-register')) {
      ctx.addIssue({ code: 'custom', path: ['write'], message: `a ${tag.area} is read-only` });
    }
    if (tag.track && tag.type !== 'bool') ctx.addIssue({ code: 'custom', path: ['track'], message: 'track is for a running status (bool)' });
  });
export type Tag = z.infer<typeof tagSchema>;

export const deviceSchema = z
  .object({
    id: profileName,
    name: text(128),
    bus: profileName,
    /** 1–247; 0 is broadcast, which Gatehouse never uses. */
    unitId: z.number().int().min(1).max(247),
    /** Gaps of at most this many unused registers are read through to save a request (0 = never). */
    maxGap: z.number().int().min(0).max(125).default(8),
    tags: z.array(tagSchema).min(1).max(5000),
  })
  .strict();
export type Device = z.infer<typeof deviceSchema>;

export const defaultPollClasses = { fast: 1, normal: 5, slow: 60 } as const;

export const profileSchema = z
  .object({
    version: z.literal(1),
    /** Poll class → seconds between polls. */
    pollClasses: z.record(pollClassName, z.number().finite().min(0.1).max(86_400)).default({ ...defaultPollClasses }),
    /** Report by exception still sends every tag at least this often, so silence means a problem. */
    refreshSeconds: z.number().int().min(5).max(3600).default(60),
    buses: z.array(busSchema).min(1).max(64),
    devices: z.array(deviceSchema).min(1).max(1000),
  })
  .strict()
  .superRefine((profile, ctx) => {
    const buses = new Set<string>();
    profile.buses.forEach((bus, i) => {
      if (buses.has(bus.id)) ctx.addIssue({ code: 'custom', path: ['buses', i, 'id'], message: `bus ${bus.id} is named twice` });
      buses.add(bus.id);
    });
    const devices = new Set<string>();
    const tags = new Set<string>();
    const addTag = (name: string, path: (string | number)[]) => {
      if (tags.has(name)) ctx.addIssue({ code: 'custom', path, message: `tag ${name} is named twice` });
      tags.add(name);
    };
    profile.devices.forEach((device, d) => {
      if (devices.has(device.id)) ctx.addIssue({ code: 'custom', path: ['devices', d, 'id'], message: `device ${device.id} is named twice` });
      devices.add(device.id);
      if (!buses.has(device.bus)) ctx.addIssue({ code: 'custom', path: ['devices', d, 'bus'], message: `no bus is named ${device.bus}` });
      // Each device has a comm-status tag of its own, `<device>.comm`.
      addTag(commTagName(device.id), ['devices', d, 'id']);
      device.tags.forEach((tag, t) => {
        const at = ['devices', d, 'tags', t];
        addTag(tag.name, [...at, 'name']);
        if (tag.track?.runHours) addTag(tag.track.runHours, [...at, 'track', 'runHours']);
        if (tag.track?.starts) addTag(tag.track.starts, [...at, 'track', 'starts']);
        if (!Object.hasOwn(profile.pollClasses, tag.pollClass)) {
          ctx.addIssue({ code: 'custom', path: [...at, 'pollClass'], message: `no poll class is named ${tag.pollClass}` });
        }
      });
    });
  });
export type Profile = z.infer<typeof profileSchema>;

/** The name of a device's comm-status tag: true while the device answers. */
export const commTagName = (deviceId: string) => `${deviceId}.comm`;
