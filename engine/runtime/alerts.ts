// Alert routing: every alert goes to the execution log; configured sinks get it too when its
// severity reaches theirs. Webhooks are a JSON POST, retried with backoff, never blocking a run:
// deliveries run in the background and `flush()` waits for them (shutdown, tests).
import type { Alert, Severity } from '../ports.js';
import type { AlertSinkPlan, Plan } from '../spec/plan.js';
import type { LogBuffer } from './log-buffer.js';

const RANK: Record<Severity, number> = { info: 0, warn: 1, error: 2 };

export class AlertRouter {
  private readonly pending = new Set<Promise<void>>();
  /** Alerts sent, in order (status and tests read them). */
  readonly sent: Array<{ sink: string; alert: Alert; ok: boolean; error?: string }> = [];
  /** Where the log sink prints; silent by default (the CLI sets it to stderr). */
  printer: ((line: string) => void) | undefined;

  constructor(private readonly plan: Plan, private readonly log: LogBuffer, private readonly env: Record<string, string | undefined>) {}

  async send(alert: Alert, only?: readonly string[]): Promise<void> {
    this.log.append({ ts: alert.ts, event: `alert:${alert.kind}`, partition: alert.partition, processor: alert.processor, reasons: [alert.message], detail: { severity: alert.severity, title: alert.title, check: alert.check, ...alert.detail } });
    for (const sink of this.plan.alerts.values()) {
      if (only && !only.includes(sink.name)) continue;
      if (RANK[alert.severity] < RANK[sink.minSeverity]) continue;
      if (sink.type === 'log') {
        this.printer?.(`[${alert.severity}] ${alert.title}: ${alert.message}`);
        this.sent.push({ sink: sink.name, alert, ok: true });
      } else this.track(this.webhook(sink, alert));
    }
  }

  private track(p: Promise<void>) {
    this.pending.add(p);
    void p.finally(() => this.pending.delete(p));
  }

  private async webhook(sink: AlertSinkPlan, alert: Alert): Promise<void> {
    const url = sink.url ?? (sink.urlEnv ? this.env[sink.urlEnv] : undefined);
    if (!url) {
      this.sent.push({ sink: sink.name, alert, ok: false, error: `no URL: set ${sink.urlEnv ?? 'url'}` });
      return;
    }
    const body = JSON.stringify({ pipeline: this.plan.name, specHash: this.plan.specHash, ...alert, at: new Date(alert.ts).toISOString() });
    let error = '';
    for (let attempt = 1; attempt <= 4; attempt++) {
      try {
        const { request } = await import('undici'); // loaded on first use: most commands never fetch
      const res = await request(url, { method: 'POST', body, headers: { 'content-type': 'application/json' }, headersTimeout: 5000, bodyTimeout: 5000 });
        await res.body.dump();
        if (res.statusCode < 300) {
          this.sent.push({ sink: sink.name, alert, ok: true });
          return;
        }
        error = `HTTP ${res.statusCode}`;
        if (res.statusCode < 500 && res.statusCode !== 429) break;
      } catch (e) {
        error = (e as Error).message;
      }
      await new Promise((r) => setTimeout(r, 100 * 2 ** attempt));
    }
    this.sent.push({ sink: sink.name, alert, ok: false, error });
    this.log.append({ ts: alert.ts, event: 'alert:delivery-failed', reasons: [`webhook ${sink.name}: ${error}`], detail: { kind: alert.kind } });
  }

  async flush(): Promise<void> {
    while (this.pending.size) await Promise.allSettled([...this.pending]);
  }
}
