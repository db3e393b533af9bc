// Dead letters: listing and replay. A replay lifts the terminal state of the processors the message
// routes to, then republishes the message unchanged (same correlation id) on its topic, so it goes
// through the same dedup and gates as any delivery.
import { normalize, toWire } from '../core/messages.js';
import { route } from '../core/route.js';
import type { AttemptState, PartitionVersion } from '../core/types.js';
import type { DeadLetter } from '../ports.js';
import type { Engine } from './engine.js';
import { ids } from './keys.js';

export async function listDeadLetters(engine: Engine, opts: { topic?: string; includeReplayed?: boolean } = {}): Promise<DeadLetter[]> {
  return engine.backends.bus.listDeadLetters(opts);
}

export async function replayDeadLetters(engine: Engine, opts: { ids?: string[] } = {}): Promise<{ replayed: number; skipped: Array<{ id: string; reason: string }> }> {
  const all = await engine.backends.bus.listDeadLetters({});
  const chosen = opts.ids ? all.filter((d) => opts.ids!.includes(d.id)) : all;
  const skipped: Array<{ id: string; reason: string }> = [];
  for (const id of opts.ids ?? []) if (!all.some((d) => d.id === id)) skipped.push({ id, reason: 'no such dead letter (or already replayed)' });
  let replayed = 0;
  // One delivery dead-lettered twice (its redelivery after a crash is dead-lettered again) is replayed once.
  const first = new Map<string, string>();
  for (const d of chosen) {
    const ticket = d.message.attributes.ticket;
    const same = ticket ? first.get(`${d.topic}|${ticket}`) : undefined;
    if (same) {
      await engine.backends.bus.markReplayed([d.id]);
      skipped.push({ id: d.id, reason: `the same delivery as dead letter ${same}, replayed once` });
      continue;
    }
    if (ticket) first.set(`${d.topic}|${ticket}`, d.id);
    const n = normalize(engine.plan, d.topic, d.message.data, d.message.attributes, engine.now());
    let message = d.message;
    if (n.ok) {
      let event = n.event;
      // An external update was recorded as a version when it first arrived: replay it as that
      // version (republishing the report itself would be dropped as the same report, redelivered).
      if (event.type === 'asset_updated' && event.version === undefined) {
        const v = await engine.backends.state.get<PartitionVersion>('versions', ids.version(event.asset, event.partition));
        if (v) {
          event = { ...event, version: v.version, rows: v.rows, origin: 'engine' };
          message = toWire(engine.plan, event);
        }
      }
      const targets = event.type === 'asset_updated' && event.version === undefined ? [] : route(engine.plan, event);
      await engine.backends.state.transaction(async (tx) => {
        for (const c of targets) {
          const a = await tx.get<AttemptState>('attempts', ids.attempts(c.processor, c.partition));
          if (a?.terminal) tx.delete('attempts', ids.attempts(c.processor, c.partition));
        }
      });
    }
    await engine.backends.bus.publish(d.topic, message);
    await engine.backends.bus.markReplayed([d.id]);
    engine.record({ event: 'dlq:replayed', correlationId: String(d.message.data.correlation_id ?? ''), reasons: [`dead letter ${d.id} from ${d.topic} (${d.reason})`] });
    replayed++;
  }
  await engine.log.flush();
  return { replayed, skipped };
}
