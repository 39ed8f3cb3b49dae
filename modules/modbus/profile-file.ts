import { createHash } from 'node:crypto';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { canonicalJson } from '../kernel/canonical-json.js';
import { profileSchema, type Profile } from './profile.js';

/**
 * The profile in force, kept on the gateway's disk so it polls on (and buffers telemetry) while the console is
 * away or after a restart without it. Written atomically: a power cut leaves the old profile or the new one.
 */
export interface SavedProfile {
  profile: Profile;
  hash: string;
  appliedAt: number;
}

/** A stable hash of a profile (key order does not matter), so the console can tell whether a gateway has its latest. */
export function profileHash(profile: Profile): string {
  return createHash('sha256').update(canonicalJson(profile)).digest('hex');
}

export async function loadProfile(path: string): Promise<SavedProfile | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    return undefined;
  }
  const saved = JSON.parse(text) as { profile?: unknown; appliedAt?: unknown };
  // The file is ours, but a gateway must not poll something half-understood: check it like any input.
  const profile = profileSchema.parse(saved.profile);
  return { profile, hash: profileHash(profile), appliedAt: typeof saved.appliedAt === 'number' ? saved.appliedAt : 0 };
}

export async function saveProfile(path: string, profile: Profile, appliedAt: number): Promise<SavedProfile> {
  const temporary = `${path}.tmp`;
  await writeFile(temporary, `${JSON.stringify({ profile, appliedAt }, null, 2)}\n`, { mode: 0o600 });
  await rename(temporary, path);
  return { profile, hash: profileHash(profile), appliedAt };
}
