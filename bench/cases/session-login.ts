/**
 * 1. Session check (GET /api/me, Bearer) ÷ a bare Fastify route; 2. password logins/s ÷ raw argon2id hashes/s of
 * the same parameters, and GET /api/me p99 while logins saturate the hashing threads.
 */
import { hash } from '@node-rs/argon2';
import { argon2Params } from '../../src/crypto/passwords.ts';
import { type LoadResult, load, median, medianLoad, pairedLoad, round } from '../lib/load.ts';
import { api, benchAdmin, login, removeDir, type Served, spawnServer } from '../lib/proc.ts';
import { measuringSteal } from '../lib/steal.ts';

export type Sizes = { runs: number; seconds: number };

export async function sessionCheck(gh: Served, sizes: Sizes) {
  const hello = await spawnServer({ script: 'bench/lib/hello-server.ts' });
  try {
    const token = await login(gh.url, benchAdmin.username, benchAdmin.password);
    const opts = { connections: 50, seconds: sizes.seconds };
    const paired = await pairedLoad(
      sizes.runs,
      { url: `${hello.url}/hello`, ...opts },
      { url: `${gh.url}/api/me`, headers: { authorization: `Bearer ${token}` }, ...opts },
    );
    const me = paired.subject;
    return {
      connections: 50,
      baseline: paired.baseline,
      me,
      ratio: round(paired.ratio, 3),
      pairs: paired.pairs,
      p99Ms: me.p99,
      targets: { ratio: 0.6, p99Ms: 10 },
    };
  } finally {
    await hello.stop();
    removeDir(hello.dataDir);
  }
}

/** Two runs' length of sign-ins before the measured ones: ~2,700 at the ~137/s of a full run's machine. */
function loginWarmUpSeconds(sizes: Sizes): number {
  return 2 * sizes.seconds;
}

/** Raw argon2id hashes/s with as many in flight as the thread pool has threads (plus a queue). */
export async function argonRate(seconds: number, inFlight = 8): Promise<number> {
  const until = performance.now() + seconds * 1000;
  let done = 0;
  const worker = async () => {
    while (performance.now() < until) {
      await hash(`password-${done}`, argon2Params);
      done++;
    }
  };
  const start = performance.now();
  await Promise.all(Array.from({ length: inFlight }, worker));
  return done / ((performance.now() - start) / 1000);
}

export async function loginRate(gh: Served, sizes: Sizes) {
  const admin = await login(gh.url, benchAdmin.username, benchAdmin.password);
  // Many accounts: concurrent sign-ins of one account would reach its lockout reservation limit (10) and get 429s.
  const users = Array.from({ length: 40 }, (_, i) => ({
    username: `login-bench-${i}`,
    password: `Pw-${i}-bench-login-x`,
  }));
  for (const u of users) await api(gh.url, 'POST', '/api/admin/users', admin, u);
  const requests = users.map((u) => ({
    method: 'POST' as const,
    path: '/api/auth/login',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(u),
  }));
  // Warm-up, discarded: the sign-in path is a lot of JavaScript that V8 optimizes only after ~2,000 sign-ins (the
  // event loop's CPU per sign-in fell 2.76 → 2.15 ms over the first 1,800, then stayed), while the raw hash it is
  // compared with is native code from its first call. As the session check warms both servers up (lib/load.ts).
  const signIns = { url: gh.url, requests, connections: 8 };
  await load({ ...signIns, seconds: loginWarmUpSeconds(sizes) });
  const hashes: number[] = [];
  const logins: LoadResult[] = [];
  const stolen: number[] = [];
  for (let i = 0; i < sizes.runs; i++) {
    const run = await measuringSteal(async () => {
      hashes.push(await argonRate(sizes.seconds));
      logins.push(await medianLoad(1, { ...signIns, seconds: sizes.seconds }));
    });
    stolen.push(run.stolenPercent);
  }
  const loginRps = median(logins.map((l) => l.rps));
  const hashRate = median(hashes);
  // Each sign-in run is compared with the hash run just before it: the machine's speed drifts by ±8% over a
  // case, and a ratio of two medians taken minutes apart carries that drift (as the session check, pairs).
  const pairRatios = logins.map((l, i) => l.rps / (hashes[i] as number));
  // While logins saturate the hashing threads, a session check must not wait for a hash.
  const [, meUnderLoad] = await Promise.all([
    medianLoad(1, { url: gh.url, requests, connections: 16, seconds: sizes.seconds }),
    medianLoad(1, {
      url: `${gh.url}/api/me`,
      headers: { authorization: `Bearer ${admin}` },
      connections: 10,
      seconds: sizes.seconds,
    }),
  ]);
  return {
    hashParams: `argon2id m=${argon2Params.memoryCost},t=${argon2Params.timeCost},p=${argon2Params.parallelism}`,
    argon2HashesPerSec: round(hashRate),
    loginsPerSec: round(loginRps),
    loginErrors: logins.reduce((s, l) => s + l.errors + l.non2xx, 0),
    ratio: round(median(pairRatios), 3),
    pairRatios: pairRatios.map((r) => round(r, 3)),
    pairStolenPercent: stolen.map((p) => round(p, 1)),
    ratioOfMedians: round(loginRps / hashRate, 3),
    warmUpSeconds: loginWarmUpSeconds(sizes),
    meP99DuringLoginsMs: meUnderLoad.p99,
    targets: { ratio: 0.85, meP99DuringLoginsMs: 20 },
  };
}
