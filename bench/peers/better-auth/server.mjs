/**
 * The peer: Better Auth (email + password, admin plugin) on SQLite through better-sqlite3, served by node:http.
 * Plain JS so the product's type check does not reach into the peer's types. PEER_USERS users are seeded with
 * direct inserts of the same rows Better Auth writes (user + credential account, one password hash shared), and
 * one admin (peer-admin@example.org) signs in like any user.
 */
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { betterAuth } from 'better-auth';
import { hashPassword } from 'better-auth/crypto';
import { getMigrations } from 'better-auth/db/migration';
import { toNodeHandler } from 'better-auth/node';
import { admin } from 'better-auth/plugins';
import Database from 'better-sqlite3';

const port = Number(process.env.PORT);
const dir = process.env.GATEHOUSE_DATA_DIR ?? mkdtempSync(path.join(os.tmpdir(), 'ba-bench-'));
const sqlite = new Database(path.join(dir, 'better-auth.db'));
sqlite.pragma('journal_mode = WAL');
const auth = betterAuth({
  database: sqlite,
  baseURL: `http://127.0.0.1:${port}`,
  secret: 'bench-only-secret-bench-only-secret-0123456789',
  emailAndPassword: { enabled: true },
  plugins: [admin()],
  // Benchmarks sign in thousands of times from one address.
  rateLimit: { enabled: false },
  logger: { disabled: true },
});
const { runMigrations } = await getMigrations(auth.options);
await runMigrations();

async function seed(n) {
  const hash = await hashPassword('peer-password-1');
  const now = new Date().toISOString();
  const user = sqlite.prepare(
    'INSERT INTO user (id, name, email, emailVerified, createdAt, updatedAt, role, banned) VALUES (?, ?, ?, 1, ?, ?, ?, 0)',
  );
  const account = sqlite.prepare(
    "INSERT INTO account (id, accountId, providerId, userId, password, createdAt, updatedAt) VALUES (?, ?, 'credential', ?, ?, ?, ?)",
  );
  const names = ['Anna Müller', 'Bruno Rossi', 'Chiara Novak', 'Dmitri Garcia', 'Elena Okafor', 'Hiro Tanaka'];
  sqlite.transaction(() => {
    for (let i = 0; i < n; i++) {
      const id = `u${i}`;
      const email = i === 0 ? 'peer-admin@example.org' : `u${i}@example.org`;
      user.run(id, `${names[i % names.length]} ${i}`, email, now, now, i === 0 ? 'admin' : 'user');
      account.run(`a${i}`, id, id, hash, now, now);
    }
  })();
}
await seed(Number(process.env.PEER_USERS ?? 1000));

const handler = toNodeHandler(auth);
createServer((req, res) => {
  if (req.url === '/readyz') {
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    return;
  }
  handler(req, res);
}).listen(port, '127.0.0.1');
