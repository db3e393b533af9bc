// Decoding a Pub/Sub push request: the standard envelope {message: {data (base64), attributes,
// messageId, publishTime}, subscription, deliveryAttempt?}. Anything else is a 400 with the reason.
import type { Delivery } from '../ports.js';
import { HttpError } from './http.js';

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

export function decodePush(topic: string, body: unknown): Delivery {
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw new HttpError(400, 'push body must be a JSON object: {"message": {"data": "<base64>", ...}, "subscription": "..."}');
  const msg = (body as { message?: unknown }).message;
  if (!msg || typeof msg !== 'object') throw new HttpError(400, 'push body lacks `message`');
  const m = msg as { data?: unknown; attributes?: unknown; messageId?: unknown; message_id?: unknown; publishTime?: unknown };
  if (typeof m.data !== 'string' || !m.data.length) throw new HttpError(400, 'push message lacks `message.data` (base64 JSON)');
  const compact = m.data.replace(/\s+/g, '');
  if (compact.length % 4 === 1 || !BASE64.test(compact.replace(/-/g, '+').replace(/_/g, '/'))) throw new HttpError(400, '`message.data` is not valid base64');
  let data: unknown;
  try {
    data = JSON.parse(Buffer.from(compact, 'base64').toString('utf8'));
  } catch {
    throw new HttpError(400, '`message.data` does not decode to JSON');
  }
  if (!data || typeof data !== 'object' || Array.isArray(data)) throw new HttpError(400, '`message.data` must decode to a JSON object');
  const attributes: Record<string, string> = {};
  if (m.attributes && typeof m.attributes === 'object') for (const [k, v] of Object.entries(m.attributes)) attributes[k] = String(v);
  const messageId = String(m.messageId ?? m.message_id ?? '');
  const attempt = (body as { deliveryAttempt?: unknown }).deliveryAttempt;
  return {
    topic, data: data as Record<string, unknown>, attributes, messageId,
    deliveryAttempt: typeof attempt === 'number' ? attempt : undefined,
    publishTime: typeof m.publishTime === 'string' && !Number.isNaN(Date.parse(m.publishTime)) ? Date.parse(m.publishTime) : Date.now(),
  };
}
