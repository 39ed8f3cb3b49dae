/**
 * Terminal recordings for those who may read the audit log: the list, one recording's metadata, and its
 * asciicast file, streamed. Replaying and searching the text happen in the page.
 */
import { createReadStream } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import { join, sep } from 'node:path';
import { Readable } from 'node:stream';
import { Hono, type Context } from 'hono';
import { z } from 'zod';
import { GatehouseError, problemFromSystemError } from '../../../modules/kernel/errors.js';
import type { AppEnv } from '../http/env.js';
import { requireAction } from '../http/auth.js';
import { mustMay } from '../http/caller.js';
import { hostsAllowing } from '../access/readable-hosts.js';
import { problemResponse } from '../http/problems.js';
import type { Services } from '../services.js';
import type { RecordingRecord } from '../storage/types.js';
import type { RecordingView } from '../../../modules/kernel/console-api.js';
import { recordingIdPattern } from '../terminal/recorder.js';

const listQuery = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(100),
  before: z.string().regex(recordingIdPattern, 'not a recording id').optional(),
  user: z.string().max(128).optional(),
  host: z.string().max(64).optional(),
});


function view(record: RecordingRecord): RecordingView {
  const { path: _path, ...rest } = record;
  return rest;
}

export function recordingRoutes(services: Services): Hono<AppEnv> {
  const { storage, audit } = services;
  const app = new Hono<AppEnv>();
  app.use('*', requireAction('audit.read'));

  app.get('/', async (c) => {
    const parsed = listQuery.safeParse(c.req.query());
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      return problemResponse(c, 'invalid-params', `${issue?.path.join('.')}: ${issue?.message}`);
    }
    const q = parsed.data;
    const hostIds = await hostsAllowing(c.get('access'), 'audit.read', services.access, services.hosts);
    const recordings = await storage.listRecordings({ limit: q.limit, before: q.before, user: q.user || undefined, hostId: q.host || undefined, hostIds });
    const last = recordings.at(-1);
    return c.json({ recordings: recordings.map(view), nextBefore: recordings.length === q.limit && last ? last.id : null });
  });

  /** A recording is read where its host is. */
  const readable = async (c: Context<AppEnv>, id: string) => {
    const record = await findRecording(services, id);
    mustMay(c, 'audit.read', services.access.hostPlace(record.hostId), `host ${record.hostName}`);
    return record;
  };

  app.get('/:id', async (c) => c.json(view(await readable(c, c.req.param('id')))));

  app.get('/:id/cast', async (c) => {
    const record = await readable(c, c.req.param('id'));
    const file = await castFile(services.dataDir, record);
    // What a session showed can be as sensitive as what it did: watching one is audited too.
    await audit.record({
      user: c.get('user').username,
      hostId: record.hostId,
      hostName: record.hostName,
      action: 'recording.view',
      phase: 'event',
      result: 'ok',
      address: c.get('address'),
      detail: `recording ${record.id} of session ${record.sessionId ?? '(none)'} by ${record.user} as ${record.unixUser}`,
    });
    // A recording still being written is served up to its size now, so Content-Length holds.
    const headers = {
      'Content-Type': 'application/x-asciicast',
      'Content-Length': String(file.size),
      'Content-Disposition': `attachment; filename="${record.id}.cast"`,
      'Cache-Control': 'no-store',
    };
    if (file.size === 0) return c.body(null, 200, headers);
    const body = Readable.toWeb(createReadStream(file.path, { start: 0, end: file.size - 1 })) as ReadableStream<Uint8Array>;
    return c.body(body, 200, headers);
  });

  return app;
}

async function findRecording(services: Services, id: string): Promise<RecordingRecord> {
  const record = recordingIdPattern.test(id) ? await services.storage.findRecording(id) : undefined;
  if (!record) throw new GatehouseError('not-found', `no recording with id ${id}`);
  return record;
}

/** The recording's file, resolved and checked to lie inside DATA/recordings/ (SECURITY.md rule 2). */
async function castFile(dataDir: string, record: RecordingRecord): Promise<{ path: string; size: number }> {
  try {
    const root = await realpath(join(dataDir, 'recordings'));
    const path = await realpath(join(dataDir, record.path));
    if (!path.startsWith(root + sep)) throw new GatehouseError('not-found', `the file of recording ${record.id} is not among the recordings`);
    const info = await stat(path);
    if (!info.isFile()) throw new GatehouseError('not-found', `the file of recording ${record.id} is missing`);
    return { path, size: info.size };
  } catch (err) {
    const problem = problemFromSystemError(err);
    if (problem.code === 'not-found') throw new GatehouseError('not-found', `the file of recording ${record.id} is missing`);
    throw problem;
  }
}
