import * as client from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, serveSite, visibleText, type Site, type TestChromium } from '../helpers/browser';
import { startTollgate, type RegisteredApp, type TollgateServer } from '../helpers/server';
import { consentPage, newPerson, signUp, verifyEmail } from './hosted-pages';

/**
 * An independent OpenID Connect client (openid-client v6) against a real Tollgate server,
 * with Chromium as the user's browser: it knows nothing but the issuer URL and its client id.
 * The relying party's callback is a page on another origin (127.0.0.1 is another site than
 * localhost to Chromium).
 */
describe('a standard OIDC client signs a new user in through the hosted pages', () => {
  let tollgate: TollgateServer;
  let chromium: TestChromium;
  let rp: Site;
  let app: RegisteredApp;
  let config: client.Configuration;
  let callback: URL;
  let tokens: client.TokenEndpointResponse & client.TokenEndpointResponseHelpers;
  const grace = newPerson('Grace Hopper');
  const verifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const nonce = client.randomNonce();

  beforeAll(async () => {
    tollgate = await startTollgate();
    rp = await serveSite('127.0.0.1');
    rp.page('/callback', '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Example RP</title><link rel="icon" href="data:,"></head><body><p>Signing you in…</p></body></html>');
    app = await tollgate.createApp({ name: 'Example RP', origins: [rp.origin], redirectUris: [`${rp.origin}/callback`] });
    chromium = await launchChromium();
  });

  afterAll(async () => {
    await chromium?.close();
    await rp?.close();
    await tollgate?.stop();
  });

  it('discovers the provider from its URL alone', async () => {
    config = await client.discovery(new URL(tollgate.url), app.id, undefined, client.None(), { execute: [client.allowInsecureRequests] });
    expect(config.serverMetadata()).toMatchObject({
      issuer: tollgate.url,
      code_challenge_methods_supported: ['S256'],
      authorization_response_iss_parameter_supported: true,
    });
  });

  it('sends the user to sign up, verify the email, approve the app and come back with a code', async () => {
    const authorizationUrl = client.buildAuthorizationUrl(config, {
      redirect_uri: `${rp.origin}/callback`,
      scope: 'openid profile email',
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
      nonce,
    });
    const page = await chromium.newPage();
    await page.goto(authorizationUrl.href);
    await page.getByRole('heading', { name: 'Sign in', exact: true }).waitFor();
    expect(await visibleText(page)).toContain('to continue to Example RP');

    await signUp(page, grace);
    // Signed up and signed in: the app still needs the user's one click.
    await consentPage(page, 'Example RP', grace.email);

    await verifyEmail(page, tollgate.url, grace.email);

    await page.goto(authorizationUrl.href);
    const consent = await consentPage(page, 'Example RP', grace.email);
    expect(await visibleText(page)).toContain(grace.name);
    await consent.continueButton.click();

    await page.waitForURL((url) => url.origin === rp.origin);
    expect(await visibleText(page)).toBe('Signing you in…');
    callback = new URL(page.url());
    expect(callback.pathname).toBe('/callback');
    expect(callback.searchParams.get('code')).toMatch(/^ac_/);
    expect(chromium.errors).toEqual([]);
  });

  it('exchanges the code (state, PKCE, nonce and iss checked); the ID token names the verified user', async () => {
    tokens = await client.authorizationCodeGrant(config, callback, { pkceCodeVerifier: verifier, expectedState: state, expectedNonce: nonce });
    expect(tokens.token_type).toBe('bearer'); // openid-client lower-cases it
    expect(tokens.scope).toBe('openid profile email');
    expect(tokens.refresh_token).toBeTruthy();
    expect(tokens.claims()).toMatchObject({
      iss: tollgate.url,
      aud: app.id,
      sub: expect.stringMatching(/^usr_/),
      email: grace.email,
      email_verified: true,
      name: grace.name,
      nonce,
    });
  });

  it('refreshes with a new refresh token, and userinfo answers for the same subject', async () => {
    const first = tokens.claims()!;
    const sub = first.sub;
    const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token!);
    expect(refreshed.refresh_token).toBeTruthy();
    expect(refreshed.refresh_token).not.toBe(tokens.refresh_token);
    // OIDC Core §12.2: same iss, sub, aud and auth_time as the first ID token; no nonce.
    expect(refreshed.claims()).toMatchObject({ iss: first.iss, sub, aud: first.aud, auth_time: first.auth_time });
    expect(refreshed.claims()).not.toHaveProperty('nonce');

    const userinfo = await client.fetchUserInfo(config, refreshed.access_token, sub);
    expect(userinfo).toMatchObject({ sub, email: grace.email, email_verified: true, name: grace.name });
    tokens = refreshed;
  });

  it('revokes the refresh token, after which refreshing fails', async () => {
    await client.tokenRevocation(config, tokens.refresh_token!);
    await expect(client.refreshTokenGrant(config, tokens.refresh_token!)).rejects.toMatchObject({ status: 400, error: 'invalid_grant' });
  });

  it('refuses the same code a second time', async () => {
    const replay = client.authorizationCodeGrant(config, callback, { pkceCodeVerifier: verifier, expectedState: state, expectedNonce: nonce });
    await expect(replay).rejects.toMatchObject({ status: 400, error: 'invalid_grant' });
  });
});
