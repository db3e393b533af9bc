// Decoding a Pub/Sub push request: the standard envelope {message: {data (base64), attributes,
// messageId, publishTime}, subscription, deliveryAttempt?}. Anything else — including data that is not
// UTF-8, or holds what the stores cannot encode (storable.ts) — is a 400 with the reason.
import type { Delivery } from '../ports.js';
import { HttpError } from './http.js';
import { decodeUtf8, unstorable } from './storable.js';

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

export function decodePush(topic: string, body: unknown, now: number): Delivery {
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw new HttpError(400, 'push body must be a JSON object: {"message": {"data": "<base64>", ...}, "subscription": "..."}');
  const msg = (body as { message?: unknown }).message;
  if (!msg || typeof msg !== 'object' || Array.isArray(msg)) throw new HttpError(400, 'push body lacks `message` (an object)');
  const m = msg as { data?: unknown; attributes?: unknown; messageId?: unknown; message_id?: unknown; publishTime?: unknown };
  if (typeof m.data !== 'string' || !m.data.length) throw new HttpError(400, 'push message lacks `message.data` (base64 JSON)');
  const compact = m.data.replace(/\s+/g, '').replace(/-/g, '+').replace(/_/g, '/');
  if (compact.length % 4 === 1 || !BASE64.test(compact)) throw new HttpError(400, '`message.data` is not valid base64');
  const text = decodeUtf8(Buffer.from(compact, 'base64'));
  if (text === undefined) throw new HttpError(400, '`message.data` is not UTF-8 text');
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new HttpError(400, '`message.data` does not decode to JSON');
  }
  if (!data || typeof data !== 'object' || Array.isArray(data)) throw new HttpError(400, '`message.data` must decode to a JSON object');
  const bad = unstorable(data, '`message.data`');
  if (bad) throw new HttpError(400, bad);
  const attributes: Record<string, string> = {};
  if (m.attributes !== undefined && m.attributes !== null) {
    if (typeof m.attributes !== 'object' || Array.isArray(m.attributes)) throw new HttpError(400, '`message.attributes` must be an object of strings');
    for (const [k, v] of Object.entries(m.attributes)) {
      if (typeof v !== 'string') throw new HttpError(400, `attribute ${JSON.stringify(k)} is not a string (Pub/Sub attributes are strings)`);
      attributes[k] = v;
    }
  }
  const id = m.messageId ?? m.message_id;
  if (id !== undefined && typeof id !== 'string') throw new HttpError(400, '`message.messageId` must be a string');
  const attempt = (body as { deliveryAttempt?: unknown }).deliveryAttempt;
  const published = typeof m.publishTime === 'string' ? Date.parse(m.publishTime) : Number.NaN;
  return {
    topic, data: data as Record<string, unknown>, attributes, messageId: id ?? '',
    deliveryAttempt: typeof attempt === 'number' && Number.isInteger(attempt) && attempt > 0 ? attempt : undefined,
    publishTime: Number.isNaN(published) ? now : published,
  };
}
