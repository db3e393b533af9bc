// POST /events/:topic — a Pub/Sub push. 2xx only when the message was handled or deliberately
// skipped; 503 on a retryable failure so Pub/Sub redelivers; a malformed or doubtful message is a 400
// with the reason (logged once per message), which the subscription's dead-letter policy ends after
// its attempts; a terminal failure decided by the runtime is dead-lettered and acknowledged.
import { normalize } from '../core/messages.js';
import type { Engine } from '../runtime/engine.js';
import type { Delivery } from '../ports.js';
import { messageValidatorFor } from '../infra/message-schemas.js';
import { engineTopics } from '../runtime/outbox.js';
import { HttpError } from './http.js';
import { checkDelivery } from './message-checks.js';
import { decodePush } from './push.js';

export interface PushAnswer {
  status: number;
  body: unknown;
}

export interface PushHandler {
  topics: ReadonlySet<string>;
  handle(topic: string, body: unknown, log: (severity: 'WARNING' | 'ERROR', message: string, fields: Record<string, unknown>) => void): Promise<PushAnswer>;
}

/** At most this many rejected message ids are remembered for log-once (then the memory starts over). */
const REMEMBERED_REJECTIONS = 10_000;

export function pushHandler(engine: Engine, buckets: ReadonlyMap<string, string>): PushHandler {
  const plan = engine.plan;
  const topics = engineTopics(plan);
  const contracts = messageValidatorFor(plan);
  const logged = new Set<string>();

  return {
    topics,
    async handle(topic, body, log) {
      if (!topics.has(topic)) throw new HttpError(404, `unknown topic ${topic}: this service handles ${[...topics].join(', ')}`);
      const idOf = () => {
        const id = (body as { message?: { messageId?: unknown } } | undefined)?.message?.messageId;
        return typeof id === 'string' ? id : '(no messageId)';
      };
      const reject = (reason: string, messageId: string, record: boolean): PushAnswer => {
        const key = `${topic}|${messageId}|${reason}`;
        if (!logged.has(key)) {
          if (logged.size >= REMEMBERED_REJECTIONS) logged.clear();
          logged.add(key);
          log('WARNING', `rejected message ${messageId} on ${topic}: ${reason}`, { topic, messageId });
        }
        if (record) engine.record({ event: 'message:rejected', reasons: [reason], detail: { topic, messageId } });
        return { status: 400, body: { error: reason } };
      };

      let delivery: Delivery;
      try {
        delivery = decodePush(topic, body, engine.now());
      } catch (e) {
        if (e instanceof HttpError) return reject(e.message, idOf(), false);
        throw e;
      }
      const checked = checkDelivery(plan, delivery, buckets);
      if (!checked.ok) return reject(checked.reason, delivery.messageId, true);
      delivery = checked.delivery;
      // Engine messages must match their generated contract (contracts/*.schema.json).
      if (typeof delivery.data.event_type === 'string') {
        const v = contracts.validate(delivery.data.event_type, delivery.data);
        if (!v.ok) return reject(v.reason, delivery.messageId, true);
      }
      const n = normalize(plan, topic, delivery.data, delivery.attributes, engine.now());
      if (!n.ok && !n.ignored) return reject(n.reason, delivery.messageId, true);

      const result = await engine.handle(delivery);
      if (result.outcome === 'ack') return { status: 204, body: null };
      if (result.outcome === 'retry') {
        log('WARNING', `retryable failure on ${topic}: ${result.reason}`, { topic, messageId: delivery.messageId });
        return { status: 503, body: { error: result.reason, retryAfterMs: result.delayMs } };
      }
      await engine.backends.bus.deadLetter(topic, { data: delivery.data, attributes: delivery.attributes }, result.reason, result.attempts);
      log('ERROR', `dead-lettered message ${delivery.messageId} from ${topic}: ${result.reason}`, { topic, messageId: delivery.messageId });
      return { status: 200, body: { deadLettered: true, reason: result.reason } };
    },
  };
}
