// Error type shared by generators and the HTTP layer: generators throw it with the
// HTTP status a real source would answer with, the server turns it into JSON.

export class SourceError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'SourceError';
  }
}

export function badRequest(message: string, details: Record<string, unknown> = {}): SourceError {
  return new SourceError(400, message, details);
}

export function notFound(message: string, details: Record<string, unknown> = {}): SourceError {
  return new SourceError(404, message, details);
}
