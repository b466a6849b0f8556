/**
 * 6. Side by side with Better Auth (bench/peers/better-auth/server.mjs) in the same run on the same machine: sign-in
 * with a password, session check, admin list and search of users at the same directory size. Hash rates of both
 * configurations are measured too, since sign-in speed is mostly the hash's cost.
 */
import { scrypt } from 'node:crypto';
import { median, medianLoad, percentile, round, timeEach } from '../lib/load.ts';
import { installPeerPackages } from '../lib/peer-install.ts';
import { api, benchAdmin, login, removeDir, spawnGatehouse, spawnServer } from '../lib/proc.ts';
import { importUsers } from './directory.ts';
import { argonRate } from './session-login.ts';

type Sizes = { runs: number; seconds: number; peerUsers: number; samples: number };

async function scryptRate(seconds: number, inFlight = 8): Promise<number> {
  const until = performance.now() + seconds * 1000;
  let done = 0;
  const one = () =>
    new Promise<void>((resolve, reject) =>
      scrypt('password', 'salt-salt-salt16', 64, { N: 16384, r: 16, p: 1, maxmem: 128 * 16384 * 16 * 2 }, (e) =>
        e ? reject(e) : resolve(),
      ),
    );
  const start = performance.now();
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (performance.now() < until) {
        await one();
        done++;
      }
    }),
  );
  return done / ((performance.now() - start) / 1000);
}

async function peerSide(sizes: Sizes) {
  const peer = await spawnServer({
    script: 'bench/peers/better-auth/server.mjs',
    tsx: false,
    env: { PEER_USERS: String(sizes.peerUsers) },
  });
  try {
    const signIn = { email: 'u7@example.org', password: 'peer-password-1' };
    const r = await fetch(`${peer.url}/api/auth/sign-in/email`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: peer.url },
      body: JSON.stringify({ email: 'peer-admin@example.org', password: 'peer-password-1' }),
    });
    const cookie = (r.headers.get('set-cookie') ?? '').split(';')[0] as string;
    if (r.status !== 200 || !cookie) throw new Error(`peer sign-in: ${r.status} ${await r.text()}`);
    const headers = { cookie };
    const signIns = await medianLoad(sizes.runs, {
      url: `${peer.url}/api/auth/sign-in/email`,
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: peer.url },
      body: JSON.stringify(signIn),
      connections: 8,
      seconds: sizes.seconds,
    });
    const session = await medianLoad(sizes.runs, {
      url: `${peer.url}/api/auth/get-session`,
      headers,
      connections: 50,
      seconds: sizes.seconds,
    });
    const get = async (p: string) => {
      const res = await fetch(`${peer.url}${p}`, { headers });
      if (res.status !== 200) throw new Error(`peer ${p}: ${res.status}`);
      await res.arrayBuffer();
    };
    const list = await timeEach(sizes.samples, () => get('/api/auth/admin/list-users?limit=50'));
    const search = await timeEach(sizes.samples, (i) =>
      get(
        `/api/auth/admin/list-users?limit=50&searchField=name&searchOperator=contains&searchValue=${['ann', 'tanak', 'ross'][i % 3]}`,
      ),
    );
    return { signIns, session, list, search };
  } finally {
    await peer.stop();
    removeDir(peer.dataDir);
  }
}

async function ourSide(sizes: Sizes) {
  const gh = await spawnGatehouse();
  try {
    const admin = await login(gh.url, benchAdmin.username, benchAdmin.password);
    await importUsers(gh, admin, sizes.peerUsers);
    const signIns = await medianLoad(sizes.runs, {
      url: `${gh.url}/api/auth/login`,
      // Imported users share one password; cycling through many accounts keeps below the per-account lockout reservations.
      requests: Array.from({ length: 40 }, (_, i) => ({
        method: 'POST' as const,
        path: '/api/auth/login',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: `user${i + 1}`, password: 'imported-password-1' }),
      })),
      connections: 8,
      seconds: sizes.seconds,
    });
    const session = await medianLoad(sizes.runs, {
      url: `${gh.url}/api/me`,
      headers: { authorization: `Bearer ${admin}` },
      connections: 50,
      seconds: sizes.seconds,
    });
    const get = async (p: string) => {
      const res = await api(gh.url, 'GET', p, admin);
      if (res.status !== 200) throw new Error(`${p}: ${res.status}`);
    };
    const list = await timeEach(sizes.samples, () => get('/api/admin/users?limit=50'));
    const search = await timeEach(sizes.samples, (i) =>
      get(`/api/admin/users?limit=50&q=${['ann', 'tanak', 'ross'][i % 3]}`),
    );
    return { signIns, session, list, search };
  } finally {
    await gh.stop();
    removeDir(gh.dataDir);
  }
}

export async function peerBench(sizes: Sizes) {
  installPeerPackages();
  const ours = await ourSide(sizes);
  const theirs = await peerSide(sizes);
  const argon = median(await Promise.all([argonRate(sizes.seconds)]));
  const scryptPerSec = await scryptRate(sizes.seconds);
  const p95 = (ms: number[]) => round(percentile(ms, 95));
  const ratio = (a: number, b: number) => round(a / b);
  return {
    users: sizes.peerUsers,
    configurations: {
      gatehouse: {
        hash: 'argon2id m=19456,t=2,p=1 (@node-rs/argon2)',
        hashesPerSec: round(argon),
        database: 'SQLite (better-sqlite3, WAL), FTS5 trigram search',
      },
      betterAuth: {
        hash: 'scrypt N=16384,r=16,p=1,dkLen=64 (node:crypto)',
        hashesPerSec: round(scryptPerSec),
        database: 'SQLite (better-sqlite3, WAL), admin plugin list-users (LIKE contains on name)',
      },
    },
    signInPerSec: {
      ours: round(ours.signIns.rps),
      theirs: round(theirs.signIns.rps),
      ratio: ratio(ours.signIns.rps, theirs.signIns.rps),
      errors: {
        ours: ours.signIns.non2xx + ours.signIns.errors,
        theirs: theirs.signIns.non2xx + theirs.signIns.errors,
      },
    },
    sessionCheckPerSec: {
      ours: round(ours.session.rps),
      theirs: round(theirs.session.rps),
      ratio: ratio(ours.session.rps, theirs.session.rps),
      p99: { ours: ours.session.p99, theirs: theirs.session.p99 },
    },
    listFirstPageP95Ms: {
      ours: p95(ours.list),
      theirs: p95(theirs.list),
      ratioOfSpeed: ratio(percentile(theirs.list, 95), percentile(ours.list, 95)),
    },
    searchP95Ms: {
      ours: p95(ours.search),
      theirs: p95(theirs.search),
      ratioOfSpeed: ratio(percentile(theirs.search, 95), percentile(ours.search, 95)),
    },
  };
}
