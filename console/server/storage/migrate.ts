/**
 * Runs the schema migrations, which live in code (not read from a folder at run time) so a bundled or compiled
 * console carries exactly the migrations it was built with.
 */
import { Migrator, type Kysely, type Migration } from 'kysely';
import * as initial from './migrations/001-initial.js';
import * as recordings from './migrations/002-recordings.js';
import * as sshHosts from './migrations/003-ssh-hosts.js';
import * as metrics from './migrations/004-metrics.js';
import * as baselines from './migrations/005-baselines.js';
import * as telemetry from './migrations/006-telemetry.js';
import * as sites from './migrations/007-sites.js';
import * as alarms from './migrations/008-alarms.js';
import * as alarmRules from './migrations/009-alarm-rules.js';
import * as apiTokens from './migrations/010-api-tokens.js';
import * as grants from './migrations/011-grants.js';
import * as twoFactor from './migrations/012-two-factor.js';
import * as approvals from './migrations/013-approvals.js';

/** Every migration, by name; names sort in the order they must run. Append only: never rename or edit one. */
const migrations: Record<string, Migration> = {
  '001-initial': initial,
  '002-recordings': recordings,
  '003-ssh-hosts': sshHosts,
  '004-metrics': metrics,
  '005-baselines': baselines,
  '006-telemetry': telemetry,
  '007-sites': sites,
  '008-alarms': alarms,
  '009-alarm-rules': alarmRules,
  '010-api-tokens': apiTokens,
  '011-grants': grants,
  '012-two-factor': twoFactor,
  '013-approvals': approvals,
};

/**
 * Bring the database to the latest schema; a no-op when it is already there. Returns the migrations applied.
 * Refuses (throws) a database migrated by a newer console, rather than running against a schema it does not know.
 */
export async function migrateToLatest(db: Kysely<any>): Promise<string[]> {
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => migrations },
  });
  const { error, results = [] } = await migrator.migrateToLatest();
  if (error !== undefined) {
    const failed = results.find((result) => result.status === 'Error')?.migrationName;
    const message = error instanceof Error ? error.message : String(error);
    throw new Error(`storage migration ${failed ?? '(before running any)'} failed: ${message}`, { cause: error });
  }
  return results.filter((result) => result.status === 'Success').map((result) => result.migrationName);
}
