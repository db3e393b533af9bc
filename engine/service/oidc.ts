// OIDC verification of push and scheduler requests with google-auth-library: an `Authorization:
// Bearer <ID token>` signed by one of Google's keys (the certificates are fetched once and cached for
// the max-age Google sends; a token with an unknown key id is refused without a refetch), with the
// configured audience, unexpired, and — when configured — from an allowed service account.
// A missing or bad token is a 401 with the reason; keys that cannot be fetched are a 503 with the
// reason (Pub/Sub redelivers), and a failed fetch is not retried for a few seconds.
import { OAuth2Client } from 'google-auth-library';
import { HttpError } from './http.js';

export interface OidcConfig {
  audience: string;
  /** Allowed `email` claims (service accounts); empty = any verified token of the issuer. */
  emails: string[];
  /** PEM certificates of the signing keys (google-auth-library's default: Google's). */
  certsUrl: string;
}

/** After a failed certificate fetch, requests are answered 503 at once for this long. */
export const CERTS_RETRY_AFTER_MS = 5_000;

export class OidcVerifier {
  private readonly client: OAuth2Client;
  private failedAt = 0;
  private failure = '';

  constructor(private readonly cfg: OidcConfig, private readonly now: () => number = Date.now) {
    this.client = new OAuth2Client({ endpoints: { oauth2FederatedSignonPemCertsUrl: cfg.certsUrl } });
  }

  /** The signing certificates (cached by the client); HttpError(503) when they cannot be had. */
  private async certs(): Promise<Record<string, string>> {
    if (this.failedAt && this.now() - this.failedAt < CERTS_RETRY_AFTER_MS)
      throw new HttpError(503, `cannot verify tokens: fetching the signing keys failed (${this.failure}); retrying shortly`);
    try {
      const r = await this.client.getFederatedSignonCertsAsync();
      this.failedAt = 0;
      return r.certs as Record<string, string>;
    } catch (e) {
      this.failedAt = this.now();
      this.failure = (e as Error).message.replace(/^Failed to retrieve verification certificates: /, '');
      throw new HttpError(503, `cannot verify tokens: fetching the signing keys failed (${this.failure})`);
    }
  }

  /** Resolves with the token's claims, or throws HttpError(401 | 503) saying why. */
  async verify(authorization: string | undefined): Promise<Record<string, unknown>> {
    if (!authorization?.startsWith('Bearer ')) throw new HttpError(401, 'missing bearer token (Authorization: Bearer <OIDC token>)');
    const token = authorization.slice(7).trim();
    if (token.split('.').length !== 3) throw new HttpError(401, 'malformed token: expected three dot-separated parts');
    const certs = await this.certs();
    let claims: Record<string, unknown>;
    try {
      const ticket = await this.client.verifySignedJwtWithCertsAsync(token, certs, this.cfg.audience, ['accounts.google.com', 'https://accounts.google.com']);
      claims = (ticket.getPayload() ?? {}) as Record<string, unknown>;
    } catch (e) {
      throw new HttpError(401, `token refused: ${reason(e as Error)}`);
    }
    if (this.cfg.emails.length) {
      if (claims.email_verified !== true) throw new HttpError(401, 'token email is not verified');
      if (!this.cfg.emails.includes(String(claims.email))) throw new HttpError(401, `caller ${JSON.stringify(claims.email)} is not an allowed service account`);
    }
    return claims;
  }
}

/** The library's message without the token or payload it appends (they do not belong in a log). */
function reason(e: Error): string {
  const m = e.message;
  if (m.startsWith('No pem found')) return 'signed by an unknown key';
  if (m.startsWith('Invalid token signature')) return 'signature does not verify';
  if (m.startsWith('Wrong recipient')) return 'audience does not match';
  if (m.startsWith('Token used too late')) return 'expired';
  if (m.startsWith('Token used too early')) return 'issued in the future';
  if (m.startsWith('Invalid issuer')) return m;
  return m.split(':')[0]!.slice(0, 120);
}
