/**
 * The provider's signing keys (docs/decisions/0380): made on the first start, kept in the database with their
 * private parts sealed under the service's secret key, so every node signs with the same keys; rotated by
 * `rotateKeys`, which keeps the keys it supersedes published until the tokens they signed have expired.
 */
import { generateKeyPair, type JsonWebKey } from 'node:crypto';
import { promisify } from 'node:util';
import { type Clock, iso } from '../../clock.ts';
import { decrypt, encrypt } from '../../crypto/encryption.ts';
import { randomToken } from '../../crypto/tokens.ts';
import type { Db } from '../../db/database.ts';
import {
  insertKeysIfAbsent,
  latestGeneration,
  listPublishedKeys,
  type OidcKeyRow,
  retireKeysBelow,
} from './oidc-keys.store.ts';

/** ES256 by default; RS256 for clients that know no other (OIDC Core's default); EdDSA for those that ask. */
export const signingAlgorithms = ['ES256', 'RS256', 'EdDSA'] as const;

/**
 * How long a superseded key stays published: at least the longest lifetime of a token it signs (ID tokens and
 * JWT access tokens live an hour by default) plus the time clients cache the JWKS.
 */
export const defaultRetentionMs = 24 * 3600_000;

export type Jwk = JsonWebKey & { kid: string; alg: string; use: 'sig' };

export type SigningKeys = {
  /** For the provider's `jwks` option: private keys, the current generation first (the first key of an alg signs). */
  jwks: { keys: Jwk[] };
  /** The public halves of the same keys, for /jwks. */
  publicJwks: { keys: Jwk[] };
  /** The kids of the current generation, by algorithm. */
  current: Record<(typeof signingAlgorithms)[number], string>;
};

const generate = promisify(generateKeyPair);
const privateMembers = ['d', 'p', 'q', 'dp', 'dq', 'qi'] as const;

async function privateJwk(alg: (typeof signingAlgorithms)[number]): Promise<JsonWebKey> {
  const pair =
    alg === 'ES256'
      ? await generate('ec', { namedCurve: 'P-256' })
      : alg === 'RS256'
        ? await generate('rsa', { modulusLength: 2048 })
        : await generate('ed25519');
  return pair.privateKey.export({ format: 'jwk' });
}

async function newGeneration(secret: Uint8Array, generation: number, now: string): Promise<OidcKeyRow[]> {
  return Promise.all(
    signingAlgorithms.map(async (alg) => {
      const kid = randomToken(16);
      const full: Jwk = { ...(await privateJwk(alg)), kid, alg, use: 'sig' };
      const publicHalf = Object.fromEntries(
        Object.entries(full).filter(([name]) => !(privateMembers as readonly string[]).includes(name)),
      );
      return {
        kid,
        generation,
        alg,
        public_jwk: JSON.stringify(publicHalf),
        sealed_private_jwk: encrypt(secret, JSON.stringify(full)),
        created_at: now,
        published_until: null,
      };
    }),
  );
}

function unseal(secret: Uint8Array, row: OidcKeyRow): Jwk {
  try {
    return JSON.parse(decrypt(secret, row.sealed_private_jwk)) as Jwk;
  } catch (cause) {
    throw new Error(
      `OpenID Connect signing key ${row.kid} cannot be decrypted: GATEHOUSE_SECRET_KEY is not the key it was ` +
        'sealed with (every node sharing the database must share the secret key)',
      { cause },
    );
  }
}

function toSigningKeys(secret: Uint8Array, rows: OidcKeyRow[]): SigningKeys {
  const newest = rows[0]?.generation;
  const current = Object.fromEntries(rows.filter((r) => r.generation === newest).map((r) => [r.alg, r.kid]));
  return {
    jwks: { keys: rows.map((r) => unseal(secret, r)) },
    publicJwks: { keys: rows.map((r) => JSON.parse(r.public_jwk) as Jwk) },
    current: current as SigningKeys['current'],
  };
}

/** The published keys; on the first start (none yet) makes them, once however many nodes start at the same time. */
export async function loadSigningKeys(db: Db, secret: Uint8Array, clock: Clock): Promise<SigningKeys> {
  const now = iso(clock.now());
  let rows = await listPublishedKeys(db, now);
  if (rows.length === 0) {
    // Generation 1, not the latest plus one: a node that read the table empty just before another node's
    // insert committed must conflict with that insert, not add a second generation after it.
    await insertKeysIfAbsent(db, await newGeneration(secret, 1, now));
    rows = await listPublishedKeys(db, now);
    if (rows.length === 0) throw new Error('oidc_keys holds keys but none is published: its rows were edited');
  }
  return toSigningKeys(secret, rows);
}

/**
 * Makes a new generation of keys that signs from now on; the previous ones stay published for `retentionMs`,
 * and those past their time are deleted. Nodes pick the new keys up when they next load them.
 */
export async function rotateKeys(
  db: Db,
  secret: Uint8Array,
  clock: Clock,
  retentionMs = defaultRetentionMs,
): Promise<SigningKeys> {
  const now = clock.now();
  // Unsealing the published keys first: under a wrong secret key this fails before a generation is written.
  toSigningKeys(secret, await listPublishedKeys(db, iso(now)));
  const generation = (await latestGeneration(db)) + 1;
  await insertKeysIfAbsent(db, await newGeneration(secret, generation, iso(now)));
  await retireKeysBelow(db, generation, iso(new Date(now.getTime() + retentionMs)), iso(now));
  return toSigningKeys(secret, await listPublishedKeys(db, iso(now)));
}
