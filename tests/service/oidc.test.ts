// OIDC verification through google-auth-library: certificates fetched once and kept for their max-age
// (a token with an unknown key id is refused without a refetch), a certificate server that fails is a
// 503 with the reason and is not hammered, and the token's own faults are 401s with short reasons.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { HttpError } from '../../engine/service/http.js';
import { OidcVerifier } from '../../engine/service/oidc.js';

const AUDIENCE = 'https://svc.test';
const EMAIL = 'push@p.iam.gserviceaccount.com';

function keyPair() {
  return generateKeyPairSync('rsa', { modulusLength: 2048 });
}

function token(key: KeyObject, kid: string, claims: Record<string, unknown> = {}): string {
  const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  const head = b64({ alg: 'RS256', kid, typ: 'JWT' });
  const body = b64({ iss: 'https://accounts.google.com', aud: AUDIENCE, iat: now, exp: now + 300, email: EMAIL, email_verified: true, ...claims });
  return `Bearer ${head}.${body}.${sign('RSA-SHA256', Buffer.from(`${head}.${body}`), key).toString('base64url')}`;
}

async function refusal(p: Promise<unknown>): Promise<{ status: number; message: string }> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof HttpError, String(e));
    return { status: e.status, message: e.message };
  }
  throw new Error('expected a refusal');
}

describe('OIDC verification', () => {
  const known = keyPair();
  const stranger = keyPair();
  let fetches = 0;
  let failing = false;
  let server: Server;
  let certsUrl: string;

  before(async () => {
    server = createServer((_req, res) => {
      fetches++;
      if (failing) return void res.writeHead(500).end('down');
      res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'public, max-age=3600' });
      res.end(JSON.stringify({ k1: known.publicKey.export({ type: 'spki', format: 'pem' }).toString() }));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    certsUrl = `http://127.0.0.1:${(server.address() as { port: number }).port}/certs`;
  });
  after(() => new Promise<void>((r) => server.close(() => r())));

  it('accepts a valid token and keeps the certificates: unknown key ids are refused without a refetch', async () => {
    fetches = 0;
    const v = new OidcVerifier({ audience: AUDIENCE, emails: [EMAIL], certsUrl });
    assert.equal((await v.verify(token(known.privateKey, 'k1'))).email, EMAIL);
    for (let i = 0; i < 5; i++) {
      const r = await refusal(v.verify(token(stranger.privateKey, `rotated-${i}`)));
      assert.deepEqual(r, { status: 401, message: 'token refused: signed by an unknown key' });
    }
    await v.verify(token(known.privateKey, 'k1'));
    assert.equal(fetches, 1, 'one fetch for every verification');
  });

  it('refuses bad tokens with 401 and a short reason', async () => {
    const v = new OidcVerifier({ audience: AUDIENCE, emails: [EMAIL], certsUrl });
    const cases: Array<[string | undefined, RegExp]> = [
      [undefined, /missing bearer token/],
      ['Basic abc', /missing bearer token/],
      ['Bearer a.b', /three dot-separated parts/],
      ['Bearer !!.??.**', /token refused/],
      [token(stranger.privateKey, 'k1'), /signature does not verify/],
      [token(known.privateKey, 'k1', { aud: 'https://other' }), /audience does not match/],
      [token(known.privateKey, 'k1', { exp: 1000, iat: 900 }), /expired/],
      [token(known.privateKey, 'k1', { iss: 'https://evil' }), /Invalid issuer/],
      [token(known.privateKey, 'k1', { email: 'evil@x.com' }), /"evil@x.com" is not an allowed service account/],
      [token(known.privateKey, 'k1', { email_verified: false }), /not verified/],
    ];
    for (const [auth, re] of cases) {
      const r = await refusal(v.verify(auth));
      assert.equal(r.status, 401, `${auth}: ${r.message}`);
      assert.match(r.message, re);
      assert.ok(!r.message.includes('eyJ'), 'the token is not echoed');
    }
  });

  it('answers 503 with the reason when the certificates cannot be fetched, and does not refetch at once', async () => {
    failing = true;
    fetches = 0;
    try {
      const v = new OidcVerifier({ audience: AUDIENCE, emails: [], certsUrl });
      const first = await refusal(v.verify(token(known.privateKey, 'k1')));
      assert.equal(first.status, 503);
      assert.match(first.message, /cannot verify tokens: fetching the signing keys failed/);
      const tried = fetches;
      const second = await refusal(v.verify(token(known.privateKey, 'k1')));
      assert.equal(second.status, 503);
      assert.equal(fetches, tried, 'no new fetch right after a failure');
    } finally {
      failing = false;
    }
  });
});
