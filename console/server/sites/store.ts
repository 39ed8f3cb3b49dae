/**
 * Sites and their gateways' profiles in the console's database. Its own tables (migration 007-sites) over the
 * same Kysely handle as the rest of storage; the queries are portable to PostgreSQL.
 */
import type { Kysely } from 'kysely';
import { profileSchema, type Profile } from '../../../modules/modbus/profile.js';

interface SitesTables {
  sites: { id: string; name: string; description: string; created_at: string };
  site_gateways: {
    host_id: string;
    site_id: string;
    profile_text: string;
    profile_format: string;
    profile_json: string;
    profile_hash: string;
    updated_by: string;
    updated_at: string;
  };
}

export interface SiteRecord {
  id: string;
  name: string;
  description: string;
  createdAt: string;
}

export interface GatewayRecord {
  hostId: string;
  siteId: string;
  profileText: string;
  profileFormat: 'yaml' | 'json';
  profile: Profile;
  profileHash: string;
  updatedBy: string;
  updatedAt: string;
}

export class SiteStore {
  readonly #db: Kysely<SitesTables>;

  constructor(db: Kysely<any>) {
    this.#db = db as Kysely<SitesTables>;
  }

  async listSites(): Promise<SiteRecord[]> {
    const rows = await this.#db.selectFrom('sites').selectAll().orderBy('name').execute();
    return rows.map(toSite);
  }

  async findSite(id: string): Promise<SiteRecord | undefined> {
    const row = await this.#db.selectFrom('sites').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? toSite(row) : undefined;
  }

  async findSiteByName(name: string): Promise<SiteRecord | undefined> {
    const row = await this.#db.selectFrom('sites').selectAll().where('name', '=', name).executeTakeFirst();
    return row ? toSite(row) : undefined;
  }

  async createSite(site: Omit<SiteRecord, 'createdAt'>): Promise<SiteRecord> {
    const record = { ...site, createdAt: new Date().toISOString() };
    await this.#db.insertInto('sites').values({ id: site.id, name: site.name, description: site.description, created_at: record.createdAt }).execute();
    return record;
  }

  async deleteSite(id: string): Promise<boolean> {
    await this.#db.deleteFrom('site_gateways').where('site_id', '=', id).execute();
    const result = await this.#db.deleteFrom('sites').where('id', '=', id).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  async gateways(siteId?: string): Promise<GatewayRecord[]> {
    let query = this.#db.selectFrom('site_gateways').selectAll();
    if (siteId !== undefined) query = query.where('site_id', '=', siteId);
    const rows = await query.orderBy('host_id').execute();
    return rows.map(toGateway);
  }

  async findGateway(hostId: string): Promise<GatewayRecord | undefined> {
    const row = await this.#db.selectFrom('site_gateways').selectAll().where('host_id', '=', hostId).executeTakeFirst();
    return row ? toGateway(row) : undefined;
  }

  /** Make a host a gateway of a site with this profile, or replace its profile (and site). */
  async saveGateway(gateway: Omit<GatewayRecord, 'updatedAt'>): Promise<GatewayRecord> {
    const updatedAt = new Date().toISOString();
    const row = {
      host_id: gateway.hostId,
      site_id: gateway.siteId,
      profile_text: gateway.profileText,
      profile_format: gateway.profileFormat,
      profile_json: JSON.stringify(gateway.profile),
      profile_hash: gateway.profileHash,
      updated_by: gateway.updatedBy,
      updated_at: updatedAt,
    };
    await this.#db
      .insertInto('site_gateways')
      .values(row)
      .onConflict((oc) => oc.column('host_id').doUpdateSet({ ...row }))
      .execute();
    return { ...gateway, updatedAt };
  }

  async removeGateway(hostId: string): Promise<void> {
    await this.#db.deleteFrom('site_gateways').where('host_id', '=', hostId).execute();
  }
}

function toSite(row: SitesTables['sites']): SiteRecord {
  return { id: row.id, name: row.name, description: row.description, createdAt: row.created_at };
}

function toGateway(row: SitesTables['site_gateways']): GatewayRecord {
  return {
    hostId: row.host_id,
    siteId: row.site_id,
    profileText: row.profile_text,
    profileFormat: row.profile_format === 'json' ? 'json' : 'yaml',
    // Stored after checking; parsed again so defaults added by a newer schema apply.
    profile: profileSchema.parse(JSON.parse(row.profile_json)),
    profileHash: row.profile_hash,
    updatedBy: row.updated_by,
    updatedAt: row.updated_at,
  };
}
