// `tollgate/server`'s token verifier, in this process, from the built dist/server.js: a cold ES256
// verification (the signature is checked every time) against a cache hit (the same token seen
// before). The ratio is what the verified-token cache buys an app backend on repeated tokens.
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { SignJWT, exportJWK, generateKeyPair } from 'jose';
import { fingerprint } from '../lib/build.mjs';
import { alternatingRounds, medianRows, roundRatio } from '../lib/rounds.mjs';

export const name = 'verify';
export const title = 'In-process: ES256 access-token verification, cold vs cached (dist/server.js)';

const root = fileURLToPath(new URL('../..', import.meta.url));
const APP = 'app_bench';

const targets = [
  // cacheSize 0: every call checks the signature, the cost of a token seen for the first time.
  { name: 'cold: cache off', cacheSize: 0, pool: 'distinct' },
  // 4096 tokens cycled through a 1024-entry LRU: every call misses, hashes, verifies and evicts.
  { name: 'miss: cache on, every token evicted', cacheSize: 1024, pool: 'distinct' },
  // 100 tokens repeated, as a backend sees a user's token on each request of its 15 minutes.
  { name: 'cached: repeated tokens', cacheSize: 10_000, pool: 'repeated' },
];

/** Verifications per second over `seconds`, with `lanes` calls in flight (WebCrypto runs off-thread). */
async function measure(verifier, tokens, seconds, lanes) {
  let count = 0;
  let next = 0;
  const start = performance.now();
  const deadline = start + seconds * 1000;
  const lane = async () => {
    while (performance.now() < deadline) {
      // Any rejection fails the run: the rate of failures says nothing about verification.
      await verifier.verify(tokens[next++ % tokens.length], { appId: APP });
      count++;
    }
  };
  await Promise.all(Array.from({ length: lanes }, lane));
  return count / ((performance.now() - start) / 1000);
}

/** A stand-in for Tollgate's discovery and JWKS on 127.0.0.1; read once, at the first verification. */
async function startIssuer(jwk) {
  let issuer;
  const server = createServer((req, res) => {
    const body = req.url === '/.well-known/jwks.json' ? { keys: [jwk] } : { issuer, jwks_uri: `${issuer}/.well-known/jwks.json` };
    // No keep-alive: the cached target keeps the event loop busy for whole seconds, so an idle
    // socket's timers fire late and the next verifier's discovery could reuse a socket being reset.
    res.writeHead(200, { 'content-type': 'application/json', connection: 'close' }).end(JSON.stringify(body));
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  issuer = `http://127.0.0.1:${server.address().port}`;
  return { issuer, stop: () => new Promise((resolve) => (server.close(resolve), server.closeAllConnections())) };
}

export async function run(ctx) {
  if (!existsSync(`${root}/dist/server.js`)) throw new Error('dist/server.js is missing: run `npm run build` (or `npm run bench`)');
  // Loaded once: what is measured is this import, whatever later rebuilds do to dist/.
  const build = fingerprint(`${root}/dist`);
  const { createVerifier } = await import(pathToFileURL(`${root}/dist/server.js`).href);
  if (fingerprint(`${root}/dist`) !== build) throw new Error('dist/ changed while it was being loaded; run again');
  const { publicKey, privateKey } = await generateKeyPair('ES256');
  const idp = await startIssuer({ ...(await exportJWK(publicKey)), kid: 'bench', alg: 'ES256', use: 'sig' });
  const sign = (i) => {
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({ iss: idp.issuer, aud: APP, azp: APP, sub: `usr_${i}`, sid: `ses_${i}`, scope: 'openid credits:consume', iat: now, exp: now + 900, jti: `jti_${i}` })
      .setProtectedHeader({ alg: 'ES256', kid: 'bench', typ: 'at+jwt' })
      .sign(privateKey);
  };
  const distinct = await Promise.all(Array.from({ length: 4096 }, (_, i) => sign(i)));
  const pools = { distinct, repeated: distinct.slice(0, 100) };

  let rounds;
  try {
    rounds = await alternatingRounds(targets, ctx.rounds, async (target) => {
      // A fresh verifier per target and round: no cache or JIT-warmed key state carried over.
      const verifier = createVerifier({ issuer: idp.issuer, cacheSize: target.cacheSize });
      await measure(verifier, pools[target.pool], ctx.warmupSec, ctx.connections);
      return { verificationsPerSec: await measure(verifier, pools[target.pool], ctx.durationSec, ctx.connections) };
    });
  } finally {
    await idp.stop();
  }

  const perSec = (r) => r.verificationsPerSec;
  const rows = medianRows(targets, rounds, { perSec }).map((row) => ({ ...row, microseconds: 1e6 / row.perSec }));
  return {
    columns: { target: 'target (median of rounds)', perSec: 'verifications/s', microseconds: 'µs each' },
    rows,
    ratios: {
      'cached/cold verifications/s': roundRatio(rounds, targets[2].name, targets[0].name, perSec),
      'miss/cold verifications/s': roundRatio(rounds, targets[1].name, targets[0].name, perSec),
    },
    build,
    jose: JSON.parse(readFileSync(`${root}/node_modules/jose/package.json`, 'utf8')).version,
    rounds,
  };
}
