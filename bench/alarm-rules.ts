/**
 * Alarm rule evaluation throughput (issue 6 benchmark): samples per second through 10,000 active rules on one
 * core, in the console's AlarmEvaluator. The fleet: 200 gateways × 50 tags, each tag with one rule (limit rules
 * H/L/HH/LL with deadband and on/off delays, digital fault states, rate of change) — 49 per gateway — plus one
 * comm-loss rule per gateway: 10,000 rules. Each simulated second every tag reports once (10,000 samples) and the
 * engine ticks once. Values wander across their limits, so alarms really raise and clear while we measure.
 *
 * Prints samples/s, the fraction of the 50,000 samples/s ingest rate the Modbus issue reaches (goal ≥ 2×), and,
 * measured in the same run, the floor: a bare loop doing one Map lookup and one comparison per sample with no
 * alarm engine, and our ratio to it. Samples are generated before the clock starts, so only evaluation is timed.
 * Run after compiling: `node dist/bench/alarm-rules.js [--seconds 60] [--hosts 200] [--tags 50]`.
 */
import type { TagSample } from '../modules/kernel/telemetry.js';
import { AlarmEvaluator } from '../console/server/alarms/evaluator.js';
import type { AlarmRuleInput } from '../console/server/alarms/rules.js';

const ingestRate = 50_000;

function option(name: string, fallback: number, min: number, max: number): number {
  const index = process.argv.indexOf(`--${name}`);
  const value = index >= 0 ? Number(process.argv[index + 1]) : fallback;
  if (!Number.isInteger(value) || value < min || value > max) throw new Error(`--${name} takes a whole number from ${min} to ${max}`);
  return value;
}

const seconds = option('seconds', 60, 5, 3600);
const hosts = option('hosts', 200, 1, 10_000);
const tagsPerHost = option('tags', 50, 2, 1000);
const t0 = Date.UTC(2026, 10, 24, 6, 0, 0);

/** A small deterministic generator, so every run sees the same stream. */
let seed = 12345;
function random(): number {
  seed = (seed * 1103515245 + 12345) & 0x7fffffff;
  return seed / 0x7fffffff;
}

function tagName(k: number): string {
  return k % 10 === 9 ? `P-${k}.fault` : `FT-${k}`;
}

function rulesFor(host: number): AlarmRuleInput[] {
  const hostId = `gw${host}`;
  const rules: AlarmRuleInput[] = [];
  for (let k = 0; k < tagsPerHost - 1; k++) {
    const tag = tagName(k);
    const id = `${hostId}-${tag}`;
    if (k % 10 === 9) rules.push({ id, type: 'digital', tag, alarmWhen: true, priority: 'high', target: { hostId } });
    else if (k % 10 === 8) rules.push({ id, type: 'rate-of-change', tag, ratePerMinute: 30, windowS: 10, priority: 'medium', target: { hostId } });
    else {
      const limit = (['H', 'L', 'HH', 'LL'] as const)[k % 4]!;
      const high = limit === 'H' || limit === 'HH';
      rules.push({ id, type: 'limit', tag, limit, setpoint: high ? 80 : 20, deadband: 2, onDelayS: k % 3, offDelayS: k % 2, priority: 'medium', target: { hostId } });
    }
  }
  rules.push({ id: `${hostId}-comm`, type: 'comm-loss', periodS: 1, periods: 5, priority: 'high', target: { hostId, siteId: `site${host % 20}` } });
  return rules;
}

/** One simulated second of the fleet: every gateway's tags once. */
function makeSecond(second: number, values: Float64Array): { hostId: string; siteId: string; samples: TagSample[] }[] {
  const frames = [];
  for (let h = 0; h < hosts; h++) {
    const samples: TagSample[] = [];
    for (let k = 0; k < tagsPerHost - 1; k++) {
      const i = h * tagsPerHost + k;
      // A bounded random walk: crosses 20 and 80 now and then.
      values[i] = Math.min(100, Math.max(0, values[i]! + (random() - 0.5) * 8));
      const tag = tagName(k);
      samples.push({ tag, ts: t0 + second * 1000, value: k % 10 === 9 ? values[i]! > 90 : values[i]!, quality: 'good' });
    }
    frames.push({ hostId: `gw${h}`, siteId: `site${h % 20}`, samples });
  }
  return frames;
}

function main(): void {
  const evaluator = new AlarmEvaluator({ now: () => t0 });
  let ruleCount = 0;
  for (let h = 0; h < hosts; h++) for (const rule of rulesFor(h)) (evaluator.addRule(rule), ruleCount++);
  let transitions = 0;
  evaluator.on('transition', () => transitions++);
  const values = new Float64Array(hosts * tagsPerHost).map(() => 30 + random() * 40);

  // The floor: the same samples through one Map lookup and one comparison each.
  const limits = new Map<string, number>();
  for (let h = 0; h < hosts; h++) for (let k = 0; k < tagsPerHost - 1; k++) limits.set(`gw${h}\u0000${tagName(k)}`, 80);

  let engineMs = 0;
  let floorMs = 0;
  let samples = 0;
  let floorHits = 0;
  for (let second = 0; second < seconds; second++) {
    const frames = makeSecond(second, values);
    let start = performance.now();
    for (const frame of frames) evaluator.onSamples(frame.hostId, frame.siteId, frame.samples);
    evaluator.tick(t0 + second * 1000);
    engineMs += performance.now() - start;
    start = performance.now();
    for (const frame of frames) {
      for (const sample of frame.samples) {
        const limit = limits.get(`${frame.hostId}\u0000${sample.tag}`);
        if (limit !== undefined && typeof sample.value === 'number' && sample.value >= limit) floorHits++;
      }
    }
    floorMs += performance.now() - start;
    for (const frame of frames) samples += frame.samples.length;
  }
  const rate = samples / (engineMs / 1000);
  const floorRate = samples / (floorMs / 1000);
  console.log(`alarm rules: ${ruleCount} rules on ${hosts} gateways, ${samples} samples over ${seconds} simulated seconds, ${transitions} transitions`);
  console.log(`  engine (AlarmEvaluator): ${Math.round(rate).toLocaleString('en')} samples/s on one core`);
  console.log(`  vs the ${ingestRate.toLocaleString('en')} samples/s ingest rate: ${(rate / ingestRate).toFixed(2)}× (goal ≥ 2×)`);
  console.log(`  floor (bare Map lookup + compare, same samples): ${Math.round(floorRate).toLocaleString('en')} samples/s (${floorHits} over limit)`);
  console.log(`  engine / floor: ${(rate / floorRate).toFixed(3)}`);
  console.log(`  current alarms at the end: ${evaluator.alarms().length}`);
}

main();
