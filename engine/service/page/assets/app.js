// The status page: draws the DAG laid out by the server (/api/graph), colours each node with its state
// for the chosen partition (/status?date=, the report of `pipeline status`), refreshes by polling, and
// opens a processor's runs and dead letters (/api/processor/NAME?date=) with a replay button.
// Plain DOM, no framework; everything a server sent is set as text, never as HTML.
const SVG = 'http://www.w3.org/2000/svg';
const POLL_MS = 2000;
// replays: the outcome of each dead letter's replay, by id. The panel is rebuilt on every poll, so an
// answer written only into the span that was clicked would be lost when a poll lands mid-request.
const ui = { meta: null, date: '', status: null, open: null, scale: 1, timer: 0, nodes: new Map(), replays: new Map() };
const viewerZone = Intl.DateTimeFormat().resolvedOptions().timeZone;

function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) if (v !== undefined && v !== null && v !== false) k === 'onclick' ? el.addEventListener('click', v) : el.setAttribute(k, String(v));
  for (const c of children.flat()) if (c !== undefined && c !== null && c !== false) el.append(c instanceof Node ? c : String(c));
  return el;
}
function s(tag, attrs = {}, text) {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) if (v !== undefined) el.setAttribute(k, String(v));
  if (text !== undefined) el.textContent = text;
  return el;
}
async function getJSON(url, init) {
  const r = await fetch(url, init);
  const body = await r.json().catch(() => ({}));
  if (!r.ok) throw new Error(body.error || `${r.status} ${r.statusText}`);
  return body;
}
const cut = (t, n) => (t.length > n ? `${t.slice(0, n - 1)}…` : t);
/** A location keeps its end (file:line:col) when it is too long. */
const cutLeft = (t, n) => (t.length > n ? `…${t.slice(t.length - n + 1)}` : t);
const firstLine = (t) => String(t ?? '').split('\n')[0];
function fmt(ms, zone) {
  return new Intl.DateTimeFormat(undefined, { year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', timeZone: zone }).format(new Date(ms));
}
/** A time in the viewer's zone, and in the pipeline's when it differs. */
function when(ms) {
  if (ms === undefined || ms === null) return '-';
  const tz = ui.meta.timezone;
  return tz === viewerZone ? `${fmt(ms)} (${tz})` : `${fmt(ms)} your time · ${fmt(ms, tz)} ${tz}`;
}
const shortTime = (ms) => new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' }).format(new Date(ms));
const secs = (ms) => (ms === undefined ? '' : ms < 1000 ? `${ms}ms` : `${(ms / 1000).toFixed(1)}s`);
function today() {
  return new Intl.DateTimeFormat('en-CA', { timeZone: ui.meta.timezone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
}
function shiftDate(d, days) {
  const t = new Date(`${d}T00:00:00Z`);
  t.setUTCDate(t.getUTCDate() + days);
  return t.toISOString().slice(0, 10);
}

/** The state of a processor in the words of `pipeline status` / `explain`: [state line, detail line, full text]. */
function describe(p) {
  const a = p.attempts;
  switch (p.state) {
    case 'succeeded': return ['succeeded', [p.updatedAt ? shortTime(p.updatedAt) : '', p.rows !== undefined ? `${p.rows} rows` : '', secs(p.durationMs)].filter(Boolean).join(' · '), `succeeded ${when(p.updatedAt ?? p.lastRun?.finishedAt)}${p.rows !== undefined ? `, ${p.rows} rows` : ''}${p.durationMs !== undefined ? `, took ${secs(p.durationMs)}` : ''}${p.note ? ` (${p.note})` : ''}`];
    case 'failed': {
      const err = firstLine(a?.error ?? (p.lastRun?.errorType ? `${p.lastRun.errorType}: ${p.lastRun.error}` : p.note));
      const at = a?.errorAt ?? p.lastRun?.errorAt;
      return [`failed: ${err}`, at ? `at ${at}` : '', `${p.note}${at && !p.note.includes(at) ? ` at ${at}` : ''}`];
    }
    case 'retrying': return [`retrying: attempt ${a ? a.made : '?'} of ${a ? a.max : '?'} failed`, a?.nextAt ? `next at ${shortTime(a.nextAt)}` : firstLine(a?.error), `attempt ${a?.made} of ${a?.max} failed: ${a?.error}${a?.errorAt ? ` at ${a.errorAt}` : ''}${a?.nextAt ? `\nnext attempt at ${when(a.nextAt)}` : ''}`];
    case 'waiting': return ['waiting', p.note, `waiting: ${p.note}`];
    case 'skipped': return ['skipped', p.note, `skipped: ${p.note}`];
    case 'running': return ['running', p.note, `running ${p.note}`];
    case 'stuck': return ['stuck', p.note, `stuck: ${p.note}`];
    case 'triggered': return ['triggered', p.note, `triggered: ${p.note}`];
    default: return ['not triggered', '', 'not triggered for this partition yet'];
  }
}

function drawGraph() {
  const { graph, labelChars } = ui.meta;
  const svg = s('svg', { id: 'graph', width: graph.width, height: graph.height, viewBox: `0 0 ${graph.width} ${graph.height}`, role: 'img', 'aria-label': `DAG of ${ui.meta.pipeline}` });
  const defs = s('defs');
  const marker = s('marker', { id: 'arrow', viewBox: '0 0 8 8', refX: 7, refY: 4, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse' });
  marker.append(s('path', { d: 'M0,0 L8,4 L0,8 z', fill: '#9aa5b4' }));
  defs.append(marker);
  svg.append(defs);
  for (const ph of graph.phases) {
    const g = s('g', { class: 'phase' });
    g.append(s('rect', { x: ph.x - ph.width / 2, y: ph.y - ph.height / 2, width: ph.width, height: ph.height, rx: 8 }), s('text', { x: ph.x - ph.width / 2 + 10, y: ph.y - ph.height / 2 + 17 }, ph.label));
    svg.append(g);
  }
  for (const e of graph.edges) {
    if (!e.points.length) continue;
    svg.append(s('path', { class: `edge ${e.kind}`, d: e.points.map((p, i) => `${i ? 'L' : 'M'}${p.x.toFixed(1)},${p.y.toFixed(1)}`).join(' '), 'marker-end': 'url(#arrow)' }));
  }
  ui.nodes.clear();
  for (const n of graph.nodes) {
    const x = n.x - n.width / 2, y = n.y - n.height / 2;
    const name = n.id.slice(2);
    const g = s('g', { class: `node ${n.kind}`, 'data-id': n.id, 'data-name': name, 'data-kind': n.kind, 'data-state': n.kind === 'processor' ? 'never-run' : undefined });
    const title = s('title', {}, n.label);
    g.append(title, s('rect', { class: 'box', x, y, width: n.width, height: n.height }));
    if (n.kind === 'processor') {
      g.append(s('rect', { class: 'bar', x: x + 1, y: y + 1, width: 5, height: n.height - 2 }));
      g.append(s('text', { x: x + 12, y: y + 15, 'font-weight': 600 }, cut(n.label, labelChars.processor)));
      const sub = s('text', { class: 'sub state-line', x: x + 12, y: y + 29 }, 'not triggered');
      const sub2 = s('text', { class: 'sub detail-line', x: x + 12, y: y + 41 }, '');
      g.append(sub, sub2);
      g.addEventListener('click', () => openPanel(name));
      ui.nodes.set(name, { g, title, sub, sub2, kind: n.kind });
    } else if (n.kind === 'gate' || n.kind === 'stage') {
      g.append(s('text', { x: x + 12, y: y + 16, 'font-weight': 600 }, cut(n.label, labelChars[n.kind])));
      const sub = s('text', { class: 'sub state-line', x: x + 12, y: y + 31 }, '');
      g.append(sub);
      ui.nodes.set(name, { g, title, sub, kind: n.kind });
    } else {
      g.append(s('text', { x: x + 10, y: y + n.height / 2 + 4 }, cut(n.label, labelChars[n.kind])));
    }
    svg.append(g);
  }
  const dag = document.getElementById('dag');
  dag.replaceChildren(svg);
  applyScale();
}

function applyScale() {
  const svg = document.getElementById('graph');
  if (!svg) return;
  const { width, height } = ui.meta.graph;
  svg.setAttribute('width', String(Math.round(width * ui.scale)));
  svg.setAttribute('height', String(Math.round(height * ui.scale)));
}

function applyStatus(st) {
  ui.status = st;
  const counts = {};
  const byName = new Map(st.processors.map((p) => [p.processor, p]));
  for (const p of st.processors) {
    counts[p.state] = (counts[p.state] ?? 0) + 1;
    const n = ui.nodes.get(p.processor);
    if (!n) continue;
    const [line, detail, full] = describe(p);
    n.g.setAttribute('data-state', p.state);
    n.sub.textContent = cut(line, 36);
    n.sub2.textContent = p.state === 'failed' ? cutLeft(detail ?? '', 36) : cut(detail ?? '', 36);
    n.title.textContent = `${p.processor}\n${full}`;
  }
  for (const g of st.gates) {
    const n = ui.nodes.get(g.gate);
    if (!n) continue;
    n.g.setAttribute('data-state', g.state);
    n.sub.textContent = `${g.state} · ${g.settled}/${g.members} settled`;
    n.title.textContent = `gate ${g.gate}: ${g.state}, members settled ${g.settled}/${g.members}${g.note ? `\n${g.note}` : ''}`;
  }
  for (const [name, stage] of Object.entries(ui.meta.stages)) {
    const n = ui.nodes.get(name);
    if (!n) continue;
    const members = stage.levels.flat();
    const done = members.filter((m) => byName.get(m)?.state === 'succeeded').length;
    n.sub.textContent = `${stage.levels.length} levels · ${done}/${members.length} succeeded`;
  }
  document.getElementById('summary').textContent = `${st.partition}: ${Object.entries(counts).map(([k, v]) => `${v} ${k === 'never-run' ? 'not triggered' : k}`).join(', ')}${st.stuck ? ` — ${st.stuck} stuck` : ''}`;
  for (const [name, n] of ui.nodes) n.g.classList.toggle('selected', name === ui.open);
}

function inputsTable(inputs) {
  if (!Array.isArray(inputs) || !inputs.length) return h('p', { class: 'muted' }, 'no inputs');
  return h('table', { class: 'inputs' }, h('tr', {}, h('th', {}, 'input'), h('th', {}, 'partitions'), h('th', {}, 'versions'), h('th', {}, 'rows'), h('th', {}, 'status')),
    inputs.map((i) => h('tr', {}, h('td', {}, `${i.critical ? '' : '(optional) '}${i.asset}`), h('td', {}, (i.partitions ?? []).join('..')), h('td', {}, Object.entries(i.versions ?? {}).map(([d, v]) => `${d}=v${v}`).join(' ')), h('td', {}, String(i.rows ?? '')), h('td', {}, `${i.status}${i.reason ? `: ${i.reason}` : i.warning ? `: ${i.warning}` : ''}`))));
}

function runView(run, decisions) {
  const mine = decisions.filter((e) => e.executionId === run.executionId);
  const started = mine.find((e) => e.event === 'run:started');
  const ended = mine.find((e) => e.event === 'run:succeeded' || e.event.startsWith('run:failed'));
  const logs = ended?.detail?.logs ?? [];
  const trace = h('div', { class: 'trace' });
  const body = [
    h('p', {}, `started ${when(run.startedAt)}${run.finishedAt ? `, ended ${when(run.finishedAt)} (${secs(run.finishedAt - run.startedAt)})` : ''}; attempt ${run.attempt}; trigger ${run.trigger}; scope ${run.scope || 'all'}`),
    run.error ? h('div', { class: 'error' }, h('strong', {}, `${run.errorType}: ${run.error}`), run.errorAt ? h('div', { class: 'at' }, `at ${run.errorAt}`) : null, run.errorStack?.length ? h('pre', { class: 'stack' }, run.errorStack.map((f) => `    at ${f}`).join('\n')) : null) : null,
    h('h3', {}, 'inputs read'), inputsTable(started?.inputs),
    h('h3', {}, 'outputs written'), ended?.event === 'run:succeeded' ? h('p', {}, `${run.rowsWritten ?? 0} rows; ${(ended.reasons ?? []).join('; ')}`) : h('p', { class: 'muted' }, 'nothing (the run did not succeed)'),
    h('h3', {}, 'log'), logs.length ? h('pre', { class: 'log' }, logs.map((l) => `${l.level} ${l.message}${l.detail ? ` ${JSON.stringify(l.detail)}` : ''}`).join('\n')) : h('p', { class: 'muted' }, 'no log lines'),
    h('p', {}, h('button', { type: 'button', onclick: () => showTrace(run.executionId, trace) }, 'trace to source runs'), ' ', h('code', {}, run.executionId)), trace,
  ];
  return h('details', { class: `run run-${run.status}`, 'data-execution': run.executionId }, h('summary', {}, `${run.status} · ${shortTime(run.startedAt)} · attempt ${run.attempt}${run.rowsWritten !== undefined ? ` · ${run.rowsWritten} rows` : ''}${run.errorAt ? ` · at ${run.errorAt}` : ''}`), body);
}

async function showTrace(id, into) {
  try {
    const t = await getJSON(`/trace/${encodeURIComponent(id)}`);
    const lines = [];
    const walk = (n, depth) => {
      lines.push(`${'  '.repeat(depth)}${depth ? '└ ' : ''}${n.run.processor} ${n.run.partition} ${n.run.status} ${shortTime(n.run.startedAt)} ${n.run.executionId}`);
      for (const p of n.parents) walk(p, depth + 1);
      for (const m of n.missing) lines.push(`${'  '.repeat(depth + 1)}└ ${m} (an external update)`);
    };
    if (t.kind === 'run') walk(t.root, 0);
    into.replaceChildren(h('pre', {}, lines.join('\n')));
  } catch (e) {
    into.replaceChildren(h('p', { class: 'error' }, e.message));
  }
}

function replayResult(id, text) {
  ui.replays.set(id, text);
  for (const el of document.querySelectorAll('#panel .dlq')) if (el.getAttribute('data-id') === id) el.querySelector('.replay-result').textContent = text;
}

async function replay(d) {
  if (!window.confirm(`Replay dead letter ${d.id} (${d.topic})? It goes through the same dedup and gates as any delivery.`)) return;
  replayResult(d.id, 'replaying…');
  try {
    const r = await getJSON('/dlq/replay', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ids: [d.id], confirm: true }) });
    replayResult(d.id, `replayed ${r.replayed} dead letter(s)${r.skipped.length ? `; ${r.skipped.map((x) => `${x.id}: ${x.reason}`).join('; ')}` : ''}`);
    refresh();
  } catch (e) {
    replayResult(d.id, `replay refused: ${e.message}`);
  }
}

function dlqView(d) {
  const out = h('span', { class: 'replay-result', 'aria-live': 'polite' }, ui.replays.get(d.id));
  return h('div', { class: 'dlq', 'data-id': d.id }, h('div', {}, h('strong', {}, `dead letter ${d.id}`), ` on ${d.topic}, ${d.attempts} attempt(s), ${when(d.deadAt)}${d.replayedAt ? `, replayed ${when(d.replayedAt)}` : ''}`),
    h('pre', {}, d.reason), d.replayedAt ? null : h('button', { type: 'button', class: 'danger replay', onclick: () => replay(d) }, 'replay…'), ' ', out);
}

async function renderPanel() {
  const panel = document.getElementById('panel');
  const name = ui.open;
  if (!name) return void (panel.hidden = true);
  const p = ui.status?.processors.find((x) => x.processor === name);
  const meta = ui.meta.processors[name];
  let detail;
  try {
    detail = await getJSON(`/api/processor/${encodeURIComponent(name)}?date=${ui.date}`);
  } catch (e) {
    detail = { decisions: [], runs: [], deadLetters: [], error: e.message };
  }
  if (ui.open !== name) return;
  const openRuns = new Set([...panel.querySelectorAll('details[open]')].map((d) => d.getAttribute('data-execution')));
  const full = p ? describe(p)[2] : '';
  const runs = detail.runs.map((r) => runView(r, detail.decisions));
  for (const r of runs) if (openRuns.has(r.getAttribute('data-execution'))) r.open = true;
  panel.replaceChildren(...[
    h('h2', {}, h('span', {}, name), h('button', { type: 'button', onclick: () => openPanel(null), title: 'close' }, '×')),
    h('p', { class: 'muted' }, `${meta.phase} · ${meta.module}${meta.description ? ` — ${meta.description}` : ''}`),
    h('div', { class: 'state', 'data-state': p?.state ?? 'never-run' }, full),
    p?.stale?.length ? h('div', {}, h('h3', {}, 'stale inputs'), h('ul', {}, p.stale.map((x) => h('li', {}, x)))) : null,
    p?.warnings?.length ? h('div', {}, h('h3', {}, 'warnings'), h('ul', {}, p.warnings.map((x) => h('li', {}, x)))) : null,
    detail.error ? h('p', { class: 'error' }, detail.error) : null,
    h('h3', {}, `dead letters (${detail.deadLetters.length})`), detail.deadLetters.length ? detail.deadLetters.map(dlqView) : h('p', { class: 'muted' }, 'none'),
    h('h3', {}, `runs (${detail.runs.length})`), runs.length ? runs : h('p', { class: 'muted' }, 'no runs for this partition'),
    h('h3', {}, 'decisions (as `pipeline explain`)'),
    h('pre', { class: 'decisions' }, detail.decisions.map((e) => `${shortTime(e.ts)} ${e.event}${e.reasons?.length ? `\n    ${e.reasons.join('\n    ')}` : ''}${e.errorMessage ? `\n    ${e.errorType}: ${e.errorMessage}${e.detail?.error?.at ? ` at ${e.detail.error.at}` : ''}` : ''}`).join('\n') || 'no decisions yet'),
  ].flat().filter((c) => c !== null && c !== undefined));
  panel.hidden = false;
}

function openPanel(name) {
  ui.open = name;
  syncUrl();
  for (const [n, v] of ui.nodes) v.g.classList.toggle('selected', n === name);
  void renderPanel();
}

function syncUrl() {
  const q = new URLSearchParams({ date: ui.date });
  if (ui.open) q.set('processor', ui.open);
  history.replaceState(null, '', `/?${q}`);
}

async function refresh() {
  clearTimeout(ui.timer);
  try {
    applyStatus(await getJSON(`/status?date=${ui.date}`));
    if (ui.open) await renderPanel();
    document.getElementById('refresh').textContent = `updated ${shortTime(Date.now())}; refreshes every ${POLL_MS / 1000}s`;
  } catch (e) {
    document.getElementById('refresh').textContent = `refresh failed: ${e.message}`;
  }
  ui.timer = setTimeout(refresh, POLL_MS);
}

function setDate(d) {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(d)) return;
  ui.date = d;
  document.getElementById('date').value = d;
  syncUrl();
  void refresh();
}

async function main() {
  const q = new URLSearchParams(location.search);
  try {
    ui.meta = await getJSON('/api/graph');
  } catch (e) {
    document.getElementById('dag').replaceChildren(h('p', { class: 'banner error' }, `cannot load the DAG: ${e.message}`));
    return;
  }
  document.getElementById('title').textContent = ui.meta.pipeline;
  document.title = `${ui.meta.pipeline} — status`;
  document.getElementById('clock').textContent = `times: ${viewerZone === ui.meta.timezone ? viewerZone : `yours (${viewerZone}) and the pipeline's (${ui.meta.timezone})`}`;
  drawGraph();
  ui.date = q.get('date') ?? today();
  ui.open = q.get('processor') && ui.meta.processors[q.get('processor')] ? q.get('processor') : null;
  document.getElementById('date').value = ui.date;
  document.getElementById('date').addEventListener('change', (e) => setDate(e.target.value));
  document.getElementById('prev').addEventListener('click', () => setDate(shiftDate(ui.date, -1)));
  document.getElementById('next').addEventListener('click', () => setDate(shiftDate(ui.date, 1)));
  document.getElementById('today').addEventListener('click', () => setDate(today()));
  const zoom = (f) => { ui.scale = Math.min(2, Math.max(0.2, f)); applyScale(); };
  document.getElementById('zoom-in').addEventListener('click', () => zoom(ui.scale * 1.25));
  document.getElementById('zoom-out').addEventListener('click', () => zoom(ui.scale / 1.25));
  document.getElementById('zoom-fit').addEventListener('click', () => zoom(document.getElementById('dag').clientHeight / ui.meta.graph.height));
  syncUrl();
  await refresh();
}

void main();
