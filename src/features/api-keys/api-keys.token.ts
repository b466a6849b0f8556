/** API key format `gh_<prefix>_<secret>`: the prefix (public, indexed) finds the row, the secret is verified. */
import { randomBytes } from 'node:crypto';
import { hashToken, randomToken } from '../../crypto/tokens.ts';

const pattern = /^gh_([0-9a-f]{12})_([A-Za-z0-9_-]{43})$/;

export function generateApiKey(): { key: string; prefix: string; secretHash: string } {
  const prefix = randomBytes(6).toString('hex');
  const secret = randomToken(32);
  return { key: `gh_${prefix}_${secret}`, prefix, secretHash: hashToken(secret) };
}

export function parseApiKey(key: string): { prefix: string; secret: string } | undefined {
  const m = pattern.exec(key);
  return m?.[1] && m[2] ? { prefix: m[1], secret: m[2] } : undefined;
}

export function looksLikeApiKey(token: string): boolean {
  return token.startsWith('gh_');
}
