// A small JSON body reader: bounded size, strict content type, parse errors as 400s in the common shape.
import type { Context } from 'koa';
import { ApiError } from './errors.js';

const MAX_BODY_BYTES = 1024 * 1024;

export async function readJsonBody(ctx: Context): Promise<unknown> {
  const raw = await readRawBody(ctx, MAX_BODY_BYTES);
  if (raw.length === 0) return undefined;
  if (!ctx.is('application/json')) {
    throw new ApiError(415, 'unsupported_media_type', 'request body must be application/json');
  }
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch (err) {
    throw ApiError.badRequest('invalid_json', `request body is not valid JSON: ${(err as Error).message}`, [{ field: 'body', message: 'invalid JSON' }]);
  }
}

export async function readRawBody(ctx: Context, limit = MAX_BODY_BYTES): Promise<Buffer> {
  const declared = Number(ctx.get('content-length') || 0);
  if (declared > limit) throw new ApiError(413, 'payload_too_large', `request body exceeds ${limit} bytes`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of ctx.req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new ApiError(413, 'payload_too_large', `request body exceeds ${limit} bytes`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}
