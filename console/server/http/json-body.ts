/** Reading a JSON body against a schema: malformed JSON and schema failures become clear 400 problems. */
import type { Context } from 'hono';
import type { z } from 'zod';
import { GatehouseError } from '../../../modules/kernel/errors.js';

export async function readJson<S extends z.ZodType>(c: Context, schema: S): Promise<z.output<S>> {
  let body: unknown;
  try {
    const text = await c.req.text();
    body = text.trim() === '' ? {} : JSON.parse(text);
  } catch {
    throw new GatehouseError('bad-request', 'the request body is not valid JSON');
  }
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new GatehouseError('invalid-params', `${issue?.path.join('.') || 'body'}: ${issue?.message ?? 'invalid'}`);
  }
  return parsed.data;
}
