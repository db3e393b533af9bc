import { DuckDBInstance } from '@duckdb/node-api';
import { rmSync } from 'node:fs';
rmSync('/tmp/mb/x.db', { force: true }); rmSync('/tmp/mb/x.db.wal', { force: true });
const inst = await DuckDBInstance.create('/tmp/mb/x.db');
const c = await inst.connect();
await c.run('CREATE TABLE t (d DATE, k VARCHAR, v INTEGER, PRIMARY KEY (d, k))');
const N = 100;
let t0 = performance.now();
for (let i = 0; i < N; i++) { await c.run('BEGIN'); await c.run(`INSERT INTO t VALUES ('2025-01-01', 'k${i}', ${i}) ON CONFLICT DO UPDATE SET v = excluded.v`); await c.run('COMMIT'); }
console.log('insert+commit ms', ((performance.now() - t0) / N).toFixed(2));
t0 = performance.now();
for (let i = 0; i < N; i++) { await c.run(`INSERT INTO t VALUES ('2025-01-02', 'k${i}', ${i}) ON CONFLICT DO UPDATE SET v = excluded.v`); }
console.log('autocommit ms', ((performance.now() - t0) / N).toFixed(2));
t0 = performance.now();
for (let i = 0; i < N; i++) { await c.run('BEGIN'); const a = await c.createAppender('t'); a.appendDate({days: 20000+i} as any); a.appendVarchar('x'+i); a.appendInteger(i); a.endRow(); a.flushSync(); a.closeSync(); await c.run('COMMIT'); }
console.log('appender+commit ms', ((performance.now() - t0) / N).toFixed(2));
t0 = performance.now();
await c.run('BEGIN');
for (let i = 0; i < N; i++) { await c.run(`INSERT INTO t VALUES ('2025-01-03', 'k${i}', ${i}) ON CONFLICT DO UPDATE SET v = excluded.v`); }
await c.run('COMMIT');
console.log('in one txn ms/stmt', ((performance.now() - t0) / N).toFixed(2));
t0 = performance.now();
for (let i = 0; i < N; i++) { await c.runAndReadAll(`SELECT * FROM t WHERE d = '2025-01-01'`); }
console.log('read ms', ((performance.now() - t0) / N).toFixed(2));
