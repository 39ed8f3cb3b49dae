import YAML from 'yaml';
import { z } from 'zod';
import { GatehouseError } from '../kernel/errors.js';
import { registerCount } from './codec.js';
import { profileSchema, type Profile } from './profile.js';

/** A profile is a page of text an engineer writes; anything this large is a mistake or an attack. */
export const maxProfileBytes = 1024 * 1024;

/** Enough to reuse a write rule or a scaling block, far too few for an alias bomb ("billion laughs"). */
const maxAliasCount = 50;

/** Shown in full up to here; more than this and the engineer fixes the first ones and tries again. */
const maxIssuesShown = 10;

/**
 * Read a device profile an engineer wrote (YAML 1.2 or JSON) into a checked Profile with defaults filled in.
 * Throws GatehouseError 'too-large' past 1 MiB, 'invalid-params' with every problem named by its key path
 * (`devices[0].tags[3].wordOrder: must be one of …`) or, for a syntax error, by line and column.
 */
export function parseProfile(text: string, format: 'yaml' | 'json'): Profile {
  if (typeof text !== 'string') throw new GatehouseError('invalid-params', 'the profile must be text');
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > maxProfileBytes) {
    throw new GatehouseError('too-large', `the profile is ${bytes} bytes; at most ${maxProfileBytes} bytes (1 MiB) are accepted`, { bytes });
  }
  const data = format === 'json' ? readJson(text) : format === 'yaml' ? readYaml(text) : refuseFormat(format);
  const parsed = profileSchema.safeParse(data);
  if (!parsed.success) throw profileProblem(formatProfileIssues(parsed.error));
  const beyond = addressesBeyondEnd(parsed.data);
  if (beyond.length > 0) throw profileProblem(beyond);
  return parsed.data;
}

/** One line per problem, each `key.path: what is wrong`, in the words an engineer uses. */
export function formatProfileIssues(error: z.ZodError): string[] {
  return error.issues.flatMap((issue) => describeIssue(issue, []));
}

function profileProblem(lines: string[]): GatehouseError {
  const shown = lines.slice(0, maxIssuesShown);
  if (lines.length > shown.length) shown.push(`… and ${lines.length - shown.length} more problems`);
  return new GatehouseError('invalid-params', shown.join('\n'), { issues: lines.length });
}

function refuseFormat(format: unknown): never {
  throw new GatehouseError('invalid-params', `unknown profile format ${JSON.stringify(String(format)).slice(0, 40)}: use yaml or json`);
}

function readJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    // V8 names a character offset at best (and sometimes only a snippet); people count lines.
    const offset = /at position (\d+)/.exec(message)?.[1];
    const where = offset !== undefined ? lineAndColumn(text, Number(offset)) : locateWithYaml(text);
    const what = message.replace(/, (\.\.\.)?".*$/s, '').replace(/\s*in JSON at position \d+.*$/s, '');
    throw new GatehouseError('invalid-params', `JSON syntax error${where ? ` at line ${where.line}, column ${where.column}` : ''}: ${what}`);
  }
}

/** JSON is YAML 1.2, and the yaml parser says where it stumbled; used only to place an error JSON.parse found. */
function locateWithYaml(text: string): { line: number; column: number } | undefined {
  const at = YAML.parseDocument(text, { version: '1.2' }).errors[0]?.linePos?.[0];
  return at ? { line: at.line, column: at.col } : undefined;
}

function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return { line, column: offset - before.lastIndexOf('\n') };
}

/** The YAML 1.2 core tags; anything else (!!binary, !!set, !!js/function, !custom) is refused. */
const plainTags = new Set(['str', 'int', 'float', 'bool', 'null', 'map', 'seq'].map((name) => `tag:yaml.org,2002:${name}`));

function readYaml(text: string): unknown {
  // YAML 1.2 core schema only: no custom or language tags (!!js/function), no `<<` merge keys, duplicate keys refused.
  const lineCounter = new YAML.LineCounter();
  let doc: YAML.Document.Parsed;
  try {
    doc = YAML.parseDocument(text, { version: '1.2', schema: 'core', customTags: [], merge: false, uniqueKeys: true, lineCounter });
  } catch (err) {
    if (err instanceof RangeError) throw new GatehouseError('invalid-params', 'YAML refused: nested too deeply');
    throw err;
  }
  // Warnings (an unresolved tag, say) are refused too: the engineer must see exactly what the agent will use.
  const problems = [...doc.errors, ...doc.warnings];
  if (problems.length > 0) {
    const lines = problems.map((problem) => {
      const first = problem.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
      // The yaml parser turns its own stack overflow into an error; say what it means.
      const what = /call stack/i.test(first) ? 'nested too deeply' : first;
      const at = problem.linePos?.[0];
      return at ? `YAML syntax error at line ${at.line}, column ${at.col}: ${what}` : `YAML syntax error: ${what}`;
    });
    // A stack overflow is reported once per level it unwinds through; once is enough.
    throw profileProblem(lines.filter((line, i) => !line.endsWith('nested too deeply') || lines.findIndex((l) => l.endsWith('nested too deeply')) === i));
  }
  try {
    const tagged: string[] = [];
    YAML.visit(doc, (_key, node) => {
      if (YAML.isNode(node) && node.tag && !plainTags.has(node.tag)) {
        const at = lineCounter.linePos(node.range?.[0] ?? 0);
        tagged.push(`YAML at line ${at.line}, column ${at.col}: the tag ${node.tag.replace('tag:yaml.org,2002:', '!!')} is not allowed in a profile`);
      }
    });
    if (tagged.length > 0) throw profileProblem(tagged);
    return doc.toJS({ maxAliasCount });
  } catch (err) {
    if (err instanceof GatehouseError) throw err;
    // Nesting deep enough to exhaust the stack is no profile.
    if (err instanceof RangeError) throw new GatehouseError('invalid-params', 'YAML refused: nested too deeply');
    // The yaml package throws a ReferenceError when aliases expand past maxAliasCount.
    const message = err instanceof Error ? err.message : String(err);
    const limit = /alias/i.test(message) ? ` (at most ${maxAliasCount} alias expansions)` : '';
    throw new GatehouseError('invalid-params', `YAML refused: ${message}${limit}`);
  }
}

/** A tag whose last register would lie past 65535 cannot be read; the schema checks only the first. */
function addressesBeyondEnd(profile: Profile): string[] {
  const lines: string[] = [];
  profile.devices.forEach((device, d) => {
    device.tags.forEach((tag, t) => {
      const count = registerCount(tag);
      if (tag.address + count - 1 > 65_535) {
        lines.push(`${formatPath(['devices', d, 'tags', t, 'address'])}: a ${tag.type} needs ${count} registers from ${tag.address}, past the last address 65535`);
      }
    });
  });
  return lines;
}

type IssuePath = readonly PropertyKey[];

function describeIssue(issue: z.core.$ZodIssue, outer: IssuePath): string[] {
  const path = [...outer, ...issue.path];
  const at = formatPath(path);
  switch (issue.code) {
    case 'invalid_type': {
      const received = /received (\w+)/.exec(issue.message)?.[1];
      if (received === 'undefined') return [`${at}: is required (${article(issue.expected)})`];
      return [`${at}: must be ${article(issue.expected)}${received ? ` (found ${article(received)})` : ''}`];
    }
    case 'invalid_value':
      return [`${at}: must be ${issue.values.length === 1 ? show(issue.values[0]) : `one of ${issue.values.map(show).join(', ')}`}`];
    case 'too_big':
      return [`${at}: ${sizeLimit(issue.origin, issue.maximum, issue.inclusive ?? true, 'most')}`];
    case 'too_small':
      return [`${at}: ${sizeLimit(issue.origin, issue.minimum, issue.inclusive ?? true, 'least')}`];
    case 'invalid_format':
      return [`${at}: ${issue.message.startsWith('Invalid') ? 'has the wrong form' : issue.message}`];
    case 'not_multiple_of':
      return [`${at}: must be a multiple of ${String(issue.divisor)}`];
    case 'unrecognized_keys':
      return issue.keys.map((key) => `${formatPath([...path, key])}: unknown key (not part of a profile here; check the spelling)`);
    case 'invalid_key':
      return issue.issues.flatMap((inner) => describeIssue(inner, path).map((line) => line.replace(`${at}: `, `${at}: the name `)));
    case 'invalid_element':
      return issue.issues.flatMap((inner) => describeIssue(inner, path));
    case 'invalid_union':
      return describeUnion(issue, path);
    case 'custom':
      return [`${at}: ${issue.message}`];
    default:
      return [`${at}: ${(issue as { message: string }).message}`];
  }
}

/**
 * A union failed every form. A discriminated one (a bus's kind) names the allowed kinds; otherwise (scaling) the
 * form the engineer evidently meant is the one without unknown keys, and its problems are the ones to show.
 */
function describeUnion(issue: z.core.$ZodIssueInvalidUnion, path: IssuePath): string[] {
  const at = formatPath(path);
  const options = (issue as { options?: unknown[] }).options;
  if (options && options.length > 0) return [`${at}: must be one of ${options.map(show).join(', ')}`];
  const branches = issue.errors.filter((branch) => branch.length > 0);
  if (branches.length === 0) return [`${at}: ${issue.message}`];
  const notAnObject = branches.every((branch) => branch.some((inner) => inner.code === 'invalid_type' && inner.path.length === 0));
  if (notAnObject) return [`${at}: must be an object`];
  const strangers = (branch: z.core.$ZodIssue[]) => branch.filter((inner) => inner.code === 'unrecognized_keys' && inner.path.length === 0).length;
  const best = [...branches].sort((a, b) => strangers(a) - strangers(b) || a.length - b.length)[0]!;
  return best.flatMap((inner) => describeIssue(inner, path));
}

function sizeLimit(origin: string, limit: number | bigint, inclusive: boolean, side: 'most' | 'least'): string {
  const n = String(limit);
  switch (origin) {
    case 'string':
      if (side === 'least' && n === '1') return 'must not be empty';
      return `must be at ${side} ${n} characters long`;
    case 'array':
    case 'set':
      return `must have at ${side} ${n} ${n === '1' ? 'entry' : 'entries'}`;
    default:
      if (!inclusive) return `must be ${side === 'most' ? 'less' : 'greater'} than ${n}`;
      return `must be at ${side} ${n}`;
  }
}

function article(type: string): string {
  if (type === 'null' || type === 'undefined' || type === 'nothing') return 'nothing';
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

function show(value: unknown): string {
  return typeof value === 'string' ? value : String(value);
}

/** `devices[0].tags[3].wordOrder`; a key that is not a plain word is quoted, and a very long one shortened. */
export function formatPath(path: IssuePath): string {
  if (path.length === 0) return 'profile';
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else if (typeof key === 'string' && /^[A-Za-z_][A-Za-z0-9_]*$/.test(key) && key.length <= 64) out += out ? `.${key}` : key;
    else {
      const name = String(key);
      out += `[${JSON.stringify(name.length > 40 ? `${name.slice(0, 40)}…` : name)}]`;
    }
  }
  return out;
}
