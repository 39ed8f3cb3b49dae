import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { GatehouseError } from '../kernel/errors.js';
import { profileSchema } from './profile.js';
import { formatProfileIssues, maxProfileBytes, parseProfile } from './profile-text.js';

const exampleYaml = readFileSync(fileURLToPath(new URL('./fixtures/example-profile.yaml', import.meta.url)), 'utf8');

/** A small valid profile as plain data; each test breaks one thing in a fresh copy. */
function base() {
  return {
    version: 1,
    buses: [
      { id: 'lan', kind: 'tcp', host: '127.0.0.1' },
      { id: 'line', kind: 'rtu', path: '/dev/ttyS0' },
    ],
    devices: [
      {
        id: 'plc',
        name: 'Intake PLC',
        bus: 'lan',
        unitId: 1,
        tags: [
          { name: 'pump1.running', area: 'coil', address: 0, type: 'bool' },
          { name: 'pump1.speed', area: 'holding-register', address: 10, write: { min: 0, max: 100 } },
          { name: 'tank.level', area: 'input-register', address: 0 },
          { name: 'flow', area: 'input-register', address: 2, type: 'float32' },
        ],
      },
      { id: 'analyser', name: 'Analyser', bus: 'line', unitId: 2, tags: [{ name: 'ph', area: 'input-register', address: 0 }] },
    ],
  };
}
type Draft = ReturnType<typeof base> & Record<string, unknown>;

function refusal(run: () => unknown): GatehouseError {
  try {
    run();
  } catch (err) {
    expect(err).toBeInstanceOf(GatehouseError);
    return err as GatehouseError;
  }
  throw new Error('expected the profile to be refused');
}

/** The refusal of `draft` after `change`, read both as JSON and as YAML: both must name the same problems. */
function problems(change: (draft: Draft) => void): string {
  const draft = base() as Draft;
  change(draft);
  const json = refusal(() => parseProfile(JSON.stringify(draft), 'json'));
  const yaml = refusal(() => parseProfile(YAML.stringify(draft), 'yaml'));
  expect(json.code).toBe('invalid-params');
  expect(yaml.code).toBe('invalid-params');
  expect(yaml.message).toBe(json.message);
  return json.message;
}

const tags = (draft: Draft) => draft.devices[0]!.tags as Array<Record<string, unknown>>;

describe('parseProfile accepts', () => {
  it('the example profile in YAML, with defaults filled in and an alias expanded', () => {
    const profile = parseProfile(exampleYaml, 'yaml');
    expect(profile.buses.map((b) => b.id)).toEqual(['plant-lan', 'rs485']);
    expect(profile.devices.map((d) => d.tags.length)).toEqual([8, 4]);
    const intake = profile.devices[0]!;
    const fault = intake.tags.find((t) => t.name === 'pump1.fault')!;
    expect(fault).toMatchObject({ wordOrder: 'ABCD', pollClass: 'fast', deadband: 0, bit: 3, unit: '' });
    expect(intake.tags.find((t) => t.name === 'tank.level')!.pollClass).toBe('normal');
    expect(intake.tags.find((t) => t.name === 'pump2.speed')!.write).toEqual({ min: 0, max: 100, maxStep: 10, minIntervalSeconds: 5, approval: false });
    expect(intake.tags.find((t) => t.name === 'tank.level')!.scaling).toEqual({ rawMin: 0, rawMax: 27_648, engMin: 0, engMax: 6.5 });
    expect(intake.tags.find((t) => t.name === 'pump1.speed')!.scaling).toEqual({ gain: 0.1, offset: 0 });
    const rtu = profile.buses[1]!;
    expect(rtu.kind === 'rtu' && rtu.dataBits).toBe(8);
  });

  it('the same profile as JSON, to the same result', () => {
    const asJson = JSON.stringify(YAML.parse(exampleYaml));
    expect(parseProfile(asJson, 'json')).toEqual(parseProfile(exampleYaml, 'yaml'));
  });

  it('the smallest profile, with the default poll classes', () => {
    const profile = parseProfile(JSON.stringify(base()), 'json');
    expect(profile.pollClasses).toEqual({ fast: 1, normal: 5, slow: 60 });
    expect(profile.refreshSeconds).toBe(60);
  });
});

describe('parseProfile refuses, naming the key path', () => {
  it('a word order that does not exist', () => {
    const message = problems((d) => void (tags(d)[3]!.wordOrder = 'ABDC'));
    expect(message).toBe('devices[0].tags[3].wordOrder: must be one of ABCD, CDAB, BADC, DCBA');
  });

  it('a tag name used twice, in one device or across devices', () => {
    expect(problems((d) => void (tags(d)[2]!.name = 'pump1.speed'))).toBe('devices[0].tags[2].name: tag pump1.speed is named twice');
    expect(problems((d) => void (d.devices[1]!.tags[0]!.name = 'flow'))).toBe('devices[1].tags[0].name: tag flow is named twice');
  });

  it('a derived run-hours or start-count tag that clashes with another tag', () => {
    const message = problems((d) => {
      tags(d)[0]!.track = { runHours: 'pump1.hours', starts: 'flow' };
    });
    expect(message).toBe('devices[0].tags[3].name: tag flow is named twice');
    const own = problems((d) => {
      tags(d)[0]!.track = { runHours: 'pump1.running' };
    });
    expect(own).toBe('devices[0].tags[0].track.runHours: tag pump1.running is named twice');
  });

  it("a tag named like a device's comm-status tag", () => {
    expect(problems((d) => void (tags(d)[1]!.name = 'plc.comm'))).toBe('devices[0].tags[1].name: tag plc.comm is named twice');
    expect(problems((d) => void (tags(d)[1]!.name = 'analyser.comm'))).toBe('devices[1].id: tag analyser.comm is named twice');
  });

  it('a device on a bus that is not there, and a bus or device named twice', () => {
    expect(problems((d) => void (d.devices[1]!.bus = 'rs485'))).toBe('devices[1].bus: no bus is named rs485');
    expect(problems((d) => void (d.buses[1]!.id = 'lan'))).toContain('buses[1].id: bus lan is named twice');
    expect(problems((d) => void (d.devices[1]!.id = 'plc'))).toContain('devices[1].id: device plc is named twice');
  });

  it('a poll class that is not declared', () => {
    expect(problems((d) => void (tags(d)[2]!.pollClass = 'turbo'))).toBe('devices[0].tags[2].pollClass: no poll class is named turbo');
    const declared = base() as Draft;
    declared.pollClasses = { turbo: 0.5 };
    tags(declared)[2]!.pollClass = 'turbo';
    // Declaring poll classes replaces the defaults: 'normal' is gone for the tags that did not say.
    expect(refusal(() => parseProfile(JSON.stringify(declared), 'json')).message).toContain('devices[0].tags[0].pollClass: no poll class is named normal');
  });

  it('a coil or discrete input that is not a bool', () => {
    expect(problems((d) => void (tags(d)[0]!.type = 'uint16'))).toBe('devices[0].tags[0].type: a coil holds a bool');
    expect(problems((d) => void (tags(d)[2] = { name: 'x', area: 'discrete-input', address: 1, type: 'float32' }))).toBe(
      'devices[0].tags[2].type: a discrete-input holds a bool',
    );
  });

  it('a write rule on a read-only area', () => {
    expect(problems((d) => void (tags(d)[2]!.write = { min: 0, max: 1 }))).toBe('devices[0].tags[2].write: a input-register is read-only');
  });

  it('a write rule whose min is above its max', () => {
    expect(problems((d) => void (tags(d)[1]!.write = { min: 10, max: 1 }))).toBe('devices[0].tags[1].write: min must not be greater than max');
  });

  it('a serial path outside /dev', () => {
    for (const path of ['/etc/shadow', 'ttyS0', '/dev/../etc/shadow', '/dev/tty S0', '/dev/ttyS0\n']) {
      const message = problems((d) => void (d.buses[1]!.path = path));
      expect(message.split('\n')[0]).toMatch(/^buses\[1\]\.path: must be a device path under \/dev/);
    }
  });

  it('a bus kind that is not tcp or rtu', () => {
    expect(problems((d) => void (d.buses[0]!.kind = 'udp'))).toBe('buses[0].kind: must be one of tcp, rtu');
  });

  const hostile = ['-rf', '$(id)', '../x', 'a\nb', 'x'.repeat(10_000), 'ünïcødé', '`id`', '', ' pump'];
  for (const name of hostile) {
    const label = JSON.stringify(name.length > 20 ? `${name.slice(0, 20)}…` : name);
    it(`the hostile name ${label} as tag, device, bus and poll class`, () => {
      const expectPath = (message: string, path: string) => {
        const lines = message.split('\n');
        expect(lines.length).toBeGreaterThan(0);
        for (const line of lines) expect(line.startsWith(`${path}: `)).toBe(true);
        expect(message.length).toBeLessThan(2000); // the 10 kB name is never echoed back whole
      };
      expectPath(problems((d) => void (tags(d)[1]!.name = name)), 'devices[0].tags[1].name');
      expectPath(
        problems((d) => {
          d.devices[1]!.id = name;
        }),
        'devices[1].id',
      );
      const bus = problems((d) => {
        d.buses[1]!.id = name;
        d.devices[1]!.bus = name;
      });
      expect(bus).toContain('buses[1].id: ');
      expect(bus).toContain('devices[1].bus: ');
      const pollClass = problems((d) => {
        d.pollClasses = { [name]: 1, normal: 5 };
      });
      expect(pollClass).toMatch(/^pollClasses\[".*"\]: the name /);
    });
  }

  it('an unknown key, hostile or misspelt, without touching any prototype', () => {
    expect(problems((d) => void (tags(d)[3]!.wordorder = 'CDAB'))).toBe('devices[0].tags[3].wordorder: unknown key (not part of a profile here; check the spelling)');
    expect(problems((d) => void (d['$(id)'] = 1))).toBe('["$(id)"]: unknown key (not part of a profile here; check the spelling)');
    const polluting = JSON.stringify(base()).replace('{"version":1,', '{"version":1,"__proto__":{"polluted":true},');
    expect(refusal(() => parseProfile(polluting, 'json')).message).toContain('__proto__: unknown key');
    const pollutingYaml = `__proto__:\n  polluted: true\n${YAML.stringify(base())}`;
    expect(refusal(() => parseProfile(pollutingYaml, 'yaml')).message).toContain('__proto__: unknown key');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('values of the wrong type or size, in plain words', () => {
    expect(problems((d) => void (d.devices[0]!.unitId = '1' as unknown as number))).toBe('devices[0].unitId: must be a number (found a string)');
    expect(problems((d) => void (d.devices[0]!.unitId = 0))).toBe('devices[0].unitId: must be at least 1');
    expect(problems((d) => void (tags(d)[2]!.address = 70_000))).toBe('devices[0].tags[2].address: must be at most 65535');
    expect(problems((d) => void delete (tags(d)[2] as { address?: number }).address)).toBe('devices[0].tags[2].address: is required (a number)');
    expect(problems((d) => void (d.devices[1]!.tags = []))).toBe('devices[1].tags: must have at least 1 entry');
    expect(problems((d) => void (d.version = 2))).toBe('version: must be 1');
  });

  it('a scaling of neither form, naming the key that is missing', () => {
    expect(problems((d) => void (tags(d)[2]!.scaling = { rawMin: 0, rawMax: 100, engMax: 10 }))).toBe('devices[0].tags[2].scaling.engMin: is required (a number)');
    expect(problems((d) => void (tags(d)[2]!.scaling = { gain: 0 }))).toBe('devices[0].tags[2].scaling.gain: gain must not be 0');
    expect(problems((d) => void (tags(d)[2]!.scaling = 3))).toBe('devices[0].tags[2].scaling: must be an object');
  });

  it('a tag whose registers run past address 65535', () => {
    expect(problems((d) => void (tags(d)[3]!.address = 65_535))).toBe('devices[0].tags[3].address: a float32 needs 2 registers from 65535, past the last address 65535');
  });

  it('something that is not a profile at all', () => {
    expect(refusal(() => parseProfile('', 'yaml')).message).toBe('profile: must be an object (found nothing)');
    expect(refusal(() => parseProfile('[]', 'json')).message).toBe('profile: must be an object (found an array)');
    expect(refusal(() => parseProfile('"x"', 'json')).message).toBe('profile: must be an object (found a string)');
    expect(refusal(() => parseProfile('{}', 'toml' as 'json')).code).toBe('invalid-params');
  });

  it('at most ten problems listed, and how many more there are', () => {
    const draft = base() as Draft;
    draft.devices[0]!.tags = Array.from({ length: 14 }, (_, i) => ({ name: `t${i}`, area: 'coil', address: i, type: 'int16' }));
    const message = refusal(() => parseProfile(JSON.stringify(draft), 'json')).message;
    const lines = message.split('\n');
    expect(lines).toHaveLength(11);
    expect(lines[0]).toBe('devices[0].tags[0].type: a coil holds a bool');
    expect(lines[10]).toBe('… and 4 more problems');
  });
});

describe('parseProfile refuses text that does not parse', () => {
  it('YAML with a syntax error, naming line and column', () => {
    const err = refusal(() => parseProfile('version: 1\nbuses:\n  - id: lan\n    kind: [tcp\n', 'yaml'));
    expect(err.code).toBe('invalid-params');
    expect(err.message).toMatch(/^YAML syntax error at line \d+, column \d+: /);
    const bad = refusal(() => parseProfile('version: 1\nversion: 2\n', 'yaml'));
    expect(bad.message).toMatch(/^YAML syntax error at line 2, column 1: .*unique/i);
  });

  it('JSON with a syntax error, naming line and column', () => {
    const err = refusal(() => parseProfile('{\n  "version": 1,\n  "buses": [}\n', 'json'));
    expect(err.code).toBe('invalid-params');
    expect(err.message).toBe("JSON syntax error at line 3, column 13: Unexpected token '}'");
    expect(refusal(() => parseProfile('{"version": 1', 'json')).message).toBe("JSON syntax error at line 1, column 14: Expected ',' or '}' after property value");
  });

  it('an alias bomb, while a few aliases are fine', () => {
    const lines = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 9; i++) lines.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(10).fill(`*${String.fromCharCode(96 + i)}`).join(', ')}]`);
    const err = refusal(() => parseProfile(lines.join('\n'), 'yaml'));
    expect(err.code).toBe('invalid-params');
    expect(err.message).toMatch(/alias/i);
  });

  it('language and custom tags', () => {
    for (const tag of ['!!js/function "function () {}"', '!!python/object:os.system x', '!custom 3']) {
      const err = refusal(() => parseProfile(`version: 1\nrefreshSeconds: ${tag}\n`, 'yaml'));
      expect(err.code).toBe('invalid-params');
      expect(err.message).toMatch(/^YAML syntax error at line 2, column 17: Unresolved tag/);
    }
    // Tags the yaml package knows but a profile has no use for.
    for (const tag of ['!!binary aGVsbG8=', '!!set { a }', '!!timestamp 2001-12-14']) {
      const err = refusal(() => parseProfile(`version: 1\nrefreshSeconds: ${tag}\n`, 'yaml'));
      expect(err.code).toBe('invalid-params');
      expect(err.message).toMatch(/^YAML at line 2, column \d+: the tag !!\w+ is not allowed in a profile$/);
    }
    // The plain core tags are fine.
    const plain = exampleYaml.replace('refreshSeconds: 60', 'refreshSeconds: !!int 60');
    expect(parseProfile(plain, 'yaml').refreshSeconds).toBe(60);
  });

  it('nesting deep enough to exhaust the stack, with a clear error', () => {
    const deep = `version: 1\nbuses: ${'['.repeat(20_000)}${']'.repeat(20_000)}\n`;
    const err = refusal(() => parseProfile(deep, 'yaml'));
    expect(err.code).toBe('invalid-params');
    expect(err.message).toMatch(/^YAML syntax error at line 2, column \d+: nested too deeply$/);
    const json = `{"version": 1, "buses": ${'['.repeat(200_000)}${']'.repeat(200_000)}}`;
    expect(refusal(() => parseProfile(json, 'json')).message).toBe('buses[0]: must be an object (found an array)\ndevices: is required (an array)');
  });

  it('several YAML documents in one', () => {
    expect(refusal(() => parseProfile(`${exampleYaml}\n---\nversion: 1\n`, 'yaml')).code).toBe('invalid-params');
  });

  it('more than 1 MiB, as too large', () => {
    const padding = `# ${'x'.repeat(maxProfileBytes)}\n`;
    const err = refusal(() => parseProfile(padding + exampleYaml, 'yaml'));
    expect(err.code).toBe('too-large');
    expect(err.message).toContain('1 MiB');
    // Counted in bytes, not characters: 600k two-byte characters are over.
    expect(refusal(() => parseProfile(`"${'é'.repeat(600_000)}"`, 'json')).code).toBe('too-large');
  });
});

describe('formatProfileIssues', () => {
  it('turns a schema error into one line per problem', () => {
    const draft = base() as Draft;
    tags(draft)[3]!.wordOrder = 'XYZW';
    draft.devices[1]!.unitId = 300;
    const parsed = profileSchema.safeParse(draft);
    expect(parsed.success).toBe(false);
    expect(formatProfileIssues(parsed.error!)).toEqual([
      'devices[0].tags[3].wordOrder: must be one of ABCD, CDAB, BADC, DCBA',
      'devices[1].unitId: must be at most 247',
    ]);
  });
});
