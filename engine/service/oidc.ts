// Optional OIDC verification of push and scheduler requests: an `Authorization: Bearer <JWT>` signed
// RS256 by a key of the issuer's JWKS, with the configured audience, an unexpired `exp`, and (when
// configured) an allowed service-account email. A missing or bad token is a 401 with the reason.
import { createPublicKey, verify, type JsonWebKey } from 'node:crypto';
import { request } from 'undici';
import { HttpError } from './http.js';

export interface OidcConfig {
  audience: string;
  issuers: string[];
  /** Allowed `email` claims (service accounts); empty = any verified token of the issuer. */
  emails: string[];
  jwksUrl: string;
  /** Allowed clock skew, seconds. */
  skewSec?: number;
}

export function oidcFromEnv(env: Record<string, string | undefined>): OidcConfig | undefined {
  if (!env.PIPELINE_OIDC_AUDIENCE) return undefined;
  return {
    audience: env.PIPELINE_OIDC_AUDIENCE,
    issuers: (env.PIPELINE_OIDC_ISSUERS ?? 'https://accounts.google.com,accounts.google.com').split(',').map((s) => s.trim()),
    emails: (env.PIPELINE_OIDC_EMAILS ?? '').split(',').map((s) => s.trim()).filter(Boolean),
    jwksUrl: env.PIPELINE_OIDC_JWKS_URL ?? 'https://www.googleapis.com/oauth2/v3/certs',
  };
}

const b64url = (s: string) => Buffer.from(s.replace(/-/g, '+').replace(/_/g, '/'), 'base64');

export class OidcVerifier {
  private keys: Map<string, JsonWebKey> | undefined;
  private fetchedAt = 0;

  constructor(private readonly cfg: OidcConfig, private readonly now: () => number = Date.now) {}

  private async jwks(force = false): Promise<Map<string, JsonWebKey>> {
    if (this.keys && !force && this.now() - this.fetchedAt < 3_600_000) return this.keys;
    const res = await request(this.cfg.jwksUrl, { headersTimeout: 5000, bodyTimeout: 5000 });
    const body = (await res.body.json()) as { keys?: Array<JsonWebKey & { kid?: string }> };
    this.keys = new Map((body.keys ?? []).map((k) => [String(k.kid), k] as const));
    this.fetchedAt = this.now();
    return this.keys;
  }

  /** Resolves with the token's claims, or throws HttpError(401) saying why. */
  async verify(authorization: string | undefined): Promise<Record<string, unknown>> {
    if (!authorization?.startsWith('Bearer ')) throw new HttpError(401, 'missing bearer token (Authorization: Bearer <OIDC token>)');
    const parts = authorization.slice(7).trim().split('.');
    if (parts.length !== 3) throw new HttpError(401, 'malformed token: expected three dot-separated parts');
    let header: { alg?: string; kid?: string };
    let claims: Record<string, unknown>;
    try {
      header = JSON.parse(b64url(parts[0]!).toString('utf8'));
      claims = JSON.parse(b64url(parts[1]!).toString('utf8'));
    } catch {
      throw new HttpError(401, 'malformed token: header or payload is not JSON');
    }
    if (header.alg !== 'RS256') throw new HttpError(401, `unsupported token algorithm ${JSON.stringify(header.alg)} (RS256 expected)`);
    let key = (await this.jwks()).get(String(header.kid));
    if (!key) key = (await this.jwks(true)).get(String(header.kid));
    if (!key) throw new HttpError(401, `token signed by unknown key ${header.kid}`);
    const ok = verify('RSA-SHA256', Buffer.from(`${parts[0]}.${parts[1]}`), createPublicKey({ key, format: 'jwk' }), b64url(parts[2]!));
    if (!ok) throw new HttpError(401, 'token signature does not verify');
    const skew = this.cfg.skewSec ?? 60;
    const nowSec = this.now() / 1000;
    if (typeof claims.exp !== 'number' || claims.exp + skew < nowSec) throw new HttpError(401, 'token expired');
    if (typeof claims.iat === 'number' && claims.iat - skew > nowSec) throw new HttpError(401, 'token issued in the future');
    if (!this.cfg.issuers.includes(String(claims.iss))) throw new HttpError(401, `token issuer ${JSON.stringify(claims.iss)} is not accepted`);
    const aud = Array.isArray(claims.aud) ? claims.aud.map(String) : [String(claims.aud)];
    if (!aud.includes(this.cfg.audience)) throw new HttpError(401, `token audience ${JSON.stringify(claims.aud)} does not match ${this.cfg.audience}`);
    if (this.cfg.emails.length) {
      if (claims.email_verified === false) throw new HttpError(401, 'token email is not verified');
      if (!this.cfg.emails.includes(String(claims.email))) throw new HttpError(401, `caller ${JSON.stringify(claims.email)} is not an allowed service account`);
    }
    return claims;
  }
}
