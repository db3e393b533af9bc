// Structured logs as Cloud Logging reads them from stdout: one JSON object per line with `severity`,
// `message`, and the trace fields of the request (from X-Cloud-Trace-Context) so a request's lines
// group together.
import type { IncomingMessage } from 'node:http';

export type LogSeverity = 'DEBUG' | 'INFO' | 'NOTICE' | 'WARNING' | 'ERROR' | 'CRITICAL';

export interface ServiceLogger {
  log(severity: LogSeverity, message: string, fields?: Record<string, unknown>, req?: IncomingMessage): void;
}

export function traceFields(req: IncomingMessage | undefined, project: string | undefined): Record<string, unknown> {
  const header = req?.headers['x-cloud-trace-context'];
  if (typeof header !== 'string') return {};
  const [trace, rest] = header.split('/');
  const span = rest?.split(';')[0];
  return {
    ...(trace && project ? { 'logging.googleapis.com/trace': `projects/${project}/traces/${trace}` } : {}),
    ...(span ? { 'logging.googleapis.com/spanId': span } : {}),
    'logging.googleapis.com/trace_sampled': /o=1/.test(header),
  };
}

export function jsonLogger(write: (line: string) => void, project?: string): ServiceLogger {
  return {
    log(severity, message, fields = {}, req) {
      write(JSON.stringify({ severity, message, time: new Date().toISOString(), ...traceFields(req, project), ...fields }));
    },
  };
}
