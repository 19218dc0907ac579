// `tollgate/server`'s verifier against a real HTTP issuer on 127.0.0.1 that serves discovery and a
// JWKS from keys made here. Requests are counted on that server; nothing of ours is spied on.
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignJWT, base64url, createLocalJWKSet, exportJWK, exportSPKI, generateKeyPair, type CryptoKey, type JWK } from 'jose';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { bearerToken, createVerifier, isTollgateTokenError, type TokenVerifier } from '../../server/sdk';
import { createCachedVerifier } from '../../server/sdk/token-verifier';

const APP = 'app_media';
const seconds = () => Math.floor(Date.now() / 1000);

async function makeKey(kid: string) {
  const { publicKey, privateKey } = await generateKeyPair('ES256', { extractable: true });
  return { kid, privateKey, publicKey, jwk: { ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' } };
}
type Key = Awaited<ReturnType<typeof makeKey>>;

/** A stand-in for Tollgate's well-known endpoints, which can go down and come back on its port. */
async function startIssuer() {
  const state = { keys: [] as JWK[], jwksStatus: 200, discovery: {} as Record<string, unknown>, requests: 0, jwksRequests: 0 };
  const server: Server = createServer((req, res) => {
    state.requests++;
    const send = (status: number, body: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    if (req.url === '/.well-known/openid-configuration') send(200, { issuer, jwks_uri: `${issuer}/.well-known/jwks.json`, ...state.discovery });
    else if (req.url === '/.well-known/jwks.json') (state.jwksRequests++, send(state.jwksStatus, { keys: state.keys }));
    else send(404, {});
  });
  const listen = (port: number) => new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  await listen(0);
  const { port } = server.address() as AddressInfo;
  const issuer = `http://127.0.0.1:${port}`;
  const stop = () => new Promise<void>((resolve) => (server.close(() => resolve()), server.closeAllConnections()));
  return { issuer, state, stop, restart: () => listen(port) };
}

let idp: Awaited<ReturnType<typeof startIssuer>>;
let key: Key;
let verifier: TokenVerifier;

/** A well-formed Tollgate access token; `claims` override or (as undefined) remove claims. */
function sign(claims: Record<string, unknown> = {}, { signer = key, header = {} as Record<string, unknown> } = {}) {
  const now = seconds();
  const payload = { iss: idp.issuer, aud: APP, azp: APP, sub: 'usr_1', sid: 'ses_1', scope: 'openid credits:consume', iat: now, exp: now + 900, jti: randomUUID(), ...claims };
  return new SignJWT(payload).setProtectedHeader({ alg: 'ES256', kid: signer.kid, typ: 'at+jwt', ...header }).sign(signer.privateKey);
}
const rejection = (promise: Promise<unknown>) => promise.then(() => 'verified', (error: unknown) => (isTollgateTokenError(error) ? error.code : error));
const segment = (value: unknown) => base64url.encode(JSON.stringify(value));

beforeEach(async () => {
  idp = await startIssuer();
  key = await makeKey('k1');
  idp.state.keys = [key.jwk];
  verifier = createVerifier({ issuer: idp.issuer });
});
afterEach(async () => {
  vi.useRealTimers();
  await idp.stop();
});

describe('the public surface', () => {
  it('gives app backends verify() only: nothing that accepts another app\'s token', () => {
    expect(Object.keys(createVerifier({ issuer: 'https://id.example.com' }))).toEqual(['verify']);
  });
});

describe('createVerifier', () => {
  it('returns the typed, frozen claims of a valid token', async () => {
    const token = await sign({ plan: 'pro' });
    const claims = await verifier.verify(token, { appId: APP });
    const { iat, exp, jti } = JSON.parse(new TextDecoder().decode(base64url.decode(token.split('.')[1]!)));
    expect(claims).toEqual({ iss: idp.issuer, aud: APP, sub: 'usr_1', sid: 'ses_1', scope: ['openid', 'credits:consume'], iat, exp, jti, plan: 'pro' });
    expect(Object.isFrozen(claims) && Object.isFrozen(claims.scope)).toBe(true);
  });

  it.each([
    ['expired', { exp: seconds() - 10 }, 'TOKEN_EXPIRED'],
    ['not valid yet', { nbf: seconds() + 60 }, 'TOKEN_NOT_YET_VALID'],
    ['for another app', { aud: 'app_other', azp: 'app_other' }, 'TOKEN_WRONG_AUDIENCE'],
    ['obtained by another app', { azp: 'app_other' }, 'TOKEN_WRONG_AUDIENCE'],
    ['for several audiences', { aud: [APP, 'app_other'] }, 'TOKEN_INVALID'],
    ['from another issuer', { iss: 'https://evil.example' }, 'TOKEN_WRONG_ISSUER'],
    ['without a sid', { sid: undefined }, 'TOKEN_INVALID'],
  ])('refuses a token %s', async (_, claims, code) => {
    expect(await rejection(verifier.verify(await sign(claims), { appId: APP }))).toBe(code);
  });

  it('refuses a JWT that is not an access token (typ)', async () => {
    expect(await rejection(verifier.verify(await sign({}, { header: { typ: 'JWT' } }), { appId: APP }))).toBe('TOKEN_INVALID');
  });

  it('refuses alg none and HS256 keyed with the public key, without fetching keys', async () => {
    const claims = segment({ iss: idp.issuer, aud: APP, azp: APP, sub: 'usr_1', sid: 's', scope: '', iat: seconds(), exp: seconds() + 900, jti: 'j' });
    const none = `${segment({ alg: 'none', typ: 'at+jwt', kid: 'k1' })}.${claims}`;
    const secret = new TextEncoder().encode(await exportSPKI(key.publicKey as CryptoKey));
    const hs256 = await new SignJWT(JSON.parse(new TextDecoder().decode(base64url.decode(claims))))
      .setProtectedHeader({ alg: 'HS256', kid: 'k1', typ: 'at+jwt' })
      .sign(secret);
    expect(await rejection(verifier.verify(`${none}.`, { appId: APP }))).toBe('TOKEN_MALFORMED');
    expect(await rejection(verifier.verify(`${none}.c2ln`, { appId: APP }))).toBe('TOKEN_INVALID');
    expect(await rejection(verifier.verify(hs256, { appId: APP }))).toBe('TOKEN_INVALID');
    expect(idp.state.requests).toBe(0);
  });

  it('refuses a tampered payload or signature', async () => {
    const [header, payload, signature] = (await sign()).split('.') as [string, string, string];
    const claims = JSON.parse(new TextDecoder().decode(base64url.decode(payload)));
    const forged = `${header}.${segment({ ...claims, sub: 'usr_admin' })}.${signature}`;
    const middle = signature.length >> 1;
    const flipped = `${header}.${payload}.${signature.slice(0, middle)}${signature[middle] === 'A' ? 'B' : 'A'}${signature.slice(middle + 1)}`;
    expect(await rejection(verifier.verify(forged, { appId: APP }))).toBe('TOKEN_INVALID');
    expect(await rejection(verifier.verify(flipped, { appId: APP }))).toBe('TOKEN_INVALID');
  });

  it('refuses junk as TOKEN_MALFORMED before any request', async () => {
    const junk = ['', 'garbage', 'a.b', 'a.b.c.d', '..', 'abc.def.ghi', '!!!.???.***', `Bearer ${await sign()}`, `${'a'.repeat(50_000)}.${'b'.repeat(50_000)}.c`, undefined];
    for (const token of junk) expect(await rejection(verifier.verify(token as string, { appId: APP }))).toBe('TOKEN_MALFORMED');
    expect(idp.state.requests).toBe(0);
  });

  it('picks up a rotated key on an unknown kid, once the refetch cooldown has passed', async () => {
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() });
    await verifier.verify(await sign(), { appId: APP });
    const next = await makeKey('k2');
    const rotated = await sign({}, { signer: next });
    // Within jose's 30 s cooldown an unknown kid is refused without a request: kid spraying is cheap.
    expect(await rejection(verifier.verify(rotated, { appId: APP }))).toBe('TOKEN_INVALID');
    expect(idp.state.jwksRequests).toBe(1);
    idp.state.keys = [key.jwk, next.jwk];
    vi.setSystemTime(Date.now() + 31_000);
    await expect(verifier.verify(rotated, { appId: APP })).resolves.toMatchObject({ sub: 'usr_1' });
    expect(idp.state.jwksRequests).toBe(2);
  });

  it('reports JWKS_UNAVAILABLE while the issuer is down or failing, and recovers', async () => {
    const token = await sign();
    await idp.stop();
    expect(await rejection(verifier.verify(token, { appId: APP }))).toBe('JWKS_UNAVAILABLE');
    await idp.restart();
    idp.state.jwksStatus = 503;
    expect(await rejection(verifier.verify(token, { appId: APP }))).toBe('JWKS_UNAVAILABLE');
    idp.state.jwksStatus = 200;
    await expect(verifier.verify(token, { appId: APP })).resolves.toMatchObject({ sub: 'usr_1' });
  });

  it('refuses keys published outside the issuer', async () => {
    idp.state.discovery = { jwks_uri: 'https://keys.evil.example/jwks.json' };
    expect(await rejection(verifier.verify(await sign(), { appId: APP }))).toBe('JWKS_UNAVAILABLE');
    idp.state.discovery = { issuer: 'https://id.example.com' };
    expect(await rejection(verifier.verify(await sign(), { appId: APP }))).toBe('JWKS_UNAVAILABLE');
  });

  it('throws TypeError on misuse', async () => {
    for (const issuer of ['http://id.example.com', 'https://id.example.com/tollgate', 'id.example.com']) {
      expect(() => createVerifier({ issuer })).toThrow(TypeError);
    }
    await expect(verifier.verify(await sign(), { appId: '' })).rejects.toThrow(TypeError);
  });
});

describe('the verified-token cache', () => {
  // With the issuer gone and jose's key set past its 10-minute max age, any key lookup fails with
  // JWKS_UNAVAILABLE: a token that still verifies was answered without a signature check.
  async function goOffline() {
    await idp.stop();
    vi.setSystemTime(Date.now() + 11 * 60_000);
  }
  beforeEach(() => void vi.useFakeTimers({ toFake: ['Date'], now: Date.now() }));

  it('answers a repeated token with no request and no signature check', async () => {
    const [token, other] = await Promise.all([sign(), sign()]);
    await verifier.verify(token, { appId: APP });
    await verifier.verify(token, { appId: APP });
    expect(idp.state.jwksRequests).toBe(1);
    await goOffline();
    await expect(verifier.verify(token, { appId: APP })).resolves.toMatchObject({ sub: 'usr_1' });
    expect(await rejection(verifier.verify(other, { appId: APP }))).toBe('JWKS_UNAVAILABLE');
  });

  it('still checks the app and the expiry on a hit', async () => {
    const token = await sign({ exp: seconds() + 12 * 60 });
    await verifier.verify(token, { appId: APP });
    await goOffline();
    expect(await rejection(verifier.verify(token, { appId: 'app_other' }))).toBe('TOKEN_WRONG_AUDIENCE');
    await expect(verifier.verify(token, { appId: APP })).resolves.toMatchObject({ sub: 'usr_1' });
    vi.setSystemTime(Date.now() + 70_000); // past exp plus the 5 s tolerance
    expect(await rejection(verifier.verify(token, { appId: APP }))).toBe('TOKEN_EXPIRED');
  });

  it('is bounded, evicting the least recently used token', async () => {
    verifier = createVerifier({ issuer: idp.issuer, cacheSize: 2 });
    const [a, b, c] = await Promise.all([sign(), sign(), sign()]);
    for (const token of [a, b, a, c]) await verifier.verify(token, { appId: APP });
    await goOffline();
    await expect(verifier.verify(a, { appId: APP })).resolves.toBeDefined();
    await expect(verifier.verify(c, { appId: APP })).resolves.toBeDefined();
    expect(await rejection(verifier.verify(b, { appId: APP }))).toBe('JWKS_UNAVAILABLE');
  });
});

describe('createCachedVerifier (the core Tollgate itself uses)', () => {
  it('tells an unknown kid (TOKEN_INVALID) from keys out of reach (JWKS_UNAVAILABLE)', async () => {
    const local = createCachedVerifier({ issuer: idp.issuer, getKey: createLocalJWKSet({ keys: [key.jwk] }) });
    expect(await rejection(local.verify(await sign({}, { signer: await makeKey('k9') }), { appId: APP }))).toBe('TOKEN_INVALID');
    const down = createCachedVerifier({ issuer: idp.issuer, getKey: () => Promise.reject(new Error('database down')) });
    expect(await rejection(down.verify(await sign(), { appId: APP }))).toBe('JWKS_UNAVAILABLE');
  });
});

describe('bearerToken', () => {
  it.each([
    ['Bearer abc.def.ghi', 'abc.def.ghi'],
    ['bearer   abc.def.ghi ', 'abc.def.ghi'],
    ['Basic dXNlcjpwdw==', undefined],
    ['Bearer ', undefined],
    ['Bearer a b', undefined],
    [undefined, undefined],
    [null, undefined],
  ])('reads %j as %j', (header, token) => {
    expect(bearerToken(header)).toBe(token);
  });
});
