// Runs must fit the delivery that starts them: on Google Cloud every run is started by a Pub/Sub push,
// and a push is answered when its run is done; one not answered within the subscription's ack deadline
// (at most 10 minutes) is delivered again while the first still runs. So a processor's `timeout` (and a
// fan-out's `task_timeout`) may not exceed that deadline; longer work is split with `fan_out:`, whose
// tasks each fit, and whose run completes when they are done, not within one request.
import { diagnostic, type Diagnostic } from './diagnostics.js';
import { formatDuration, parseDuration } from './duration.js';
import { PUSH_ACK_DEADLINE_MAX_MS } from './limits.js';
import type { PathSeg, SourceMap } from './source-map.js';
import type { RawSpec } from './types.js';

const LIMIT = formatDuration(PUSH_ACK_DEADLINE_MAX_MS);

export function checkDelivery(spec: RawSpec, source: SourceMap): Diagnostic[] {
  const out: Diagnostic[] = [];
  // An unparseable duration is the schema's diagnostic already.
  const tooLong = (text: string | undefined) => {
    const ms = text === undefined ? undefined : parseDuration(text);
    return ms !== undefined && ms > PUSH_ACK_DEADLINE_MAX_MS;
  };
  const add = (path: PathSeg[], what: string, value: string, hint: string) =>
    out.push(diagnostic('PIPE047', source.at(path), `${what} may take ${value}, longer than a Pub/Sub push can wait for its answer (ack deadline at most ${LIMIT}): the trigger would be delivered again while it still runs`, hint));

  if (tooLong(spec.defaults?.timeout))
    add(['defaults', 'timeout'], 'every processor without a timeout of its own', spec.defaults!.timeout!, `lower it to ${LIMIT} or less, and give a longer processor \`fan_out:\` instead`);
  for (const [name, p] of Object.entries(spec.processors)) {
    if (tooLong(p.timeout))
      add(['processors', name, 'timeout'], `processor \`${name}\``, p.timeout!, p.fan_out
        ? `its tasks already split the work: \`timeout\` bounds one run over the whole scope (when there is nothing to fan out over), so lower it to ${LIMIT} or less`
        : `lower \`timeout\` to ${LIMIT} or less; split longer work with \`fan_out:\` (tasks of \`batch\` entities, each within \`task_timeout\`; the run completes when they are done)`);
    if (tooLong(p.fan_out?.task_timeout))
      add(['processors', name, 'fan_out', 'task_timeout'], `one task of processor \`${name}\``, p.fan_out!.task_timeout!, `lower \`task_timeout\` to ${LIMIT} or less, with a smaller \`batch\` if a task needs it`);
  }
  return out;
}
