/**
 * Sessions: 256-bit random tokens (`ghs_…`), stored only as SHA-256 hashes, with an absolute expiry fixed at
 * creation and an idle expiry measured from the last request.
 */
import { currentEpoch, dataChanged, EpochCache } from '../../cache/epoch-cache.ts';
import { type Clock, iso } from '../../clock.ts';
import { hashToken, newId, randomToken } from '../../crypto/tokens.ts';
import type { Db, SessionRow, UserRow } from '../../db/database.ts';
import type { SettingsService } from '../settings/settings.service.ts';
import {
  deleteSession,
  deleteUserSessions,
  findSessionWithUser,
  insertSession,
  listUserSessions,
  touchSession,
} from './sessions.store.ts';

export const sessionTokenPrefix = 'ghs_';
/** last_seen_at is written at most this often per session, so a busy session does not write on every request. */
const touchIntervalMs = 30_000;
/**
 * How long a validated session may be served from memory. Any change in this process invalidates it at once
 * (cache/epoch-cache.ts); a revocation through another node or the CLI is seen within this time.
 */
const sessionCacheTtlMs = 500;

type Found = { session: SessionRow; user: UserRow };
/** A found session with its times parsed once when read, not on every request that presents it. */
type Cached = Found & { expiresMs: number; lastSeenMs: number };

export type Client = { ip: string | null; userAgent: string | null };

/** What `validateFromMemory` answers when only the database can: call `validate`. */
export const needsDatabase = Symbol('needs the database');

function isLive(found: Cached, now: number, idleMinutes: number): boolean {
  return now < found.expiresMs && now < found.lastSeenMs + idleMinutes * 60_000 && found.user.status === 'active';
}

export class SessionsService {
  /** token hash → the session and its user as last read; the checks of `validate` still run on every request. */
  private readonly cache = new EpochCache<string, Cached>({ ttlMs: sessionCacheTtlMs, maxEntries: 10_000 });

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly settings: SettingsService,
  ) {}

  /** Opens a new session; a new token every time (ASVS 7.2.4). `db` may be a transaction. */
  async create(userId: string, client: Client, db: Db = this.db): Promise<{ token: string; session: SessionRow }> {
    const now = this.clock.now();
    const { sessionMaxHours } = await this.settings.get(db);
    const token = sessionTokenPrefix + randomToken(32);
    const session: SessionRow = {
      id: newId(now),
      user_id: userId,
      token_hash: hashToken(token),
      created_at: iso(now),
      last_seen_at: iso(now),
      expires_at: iso(new Date(now.getTime() + sessionMaxHours * 3_600_000)),
      ip: client.ip,
      user_agent: client.userAgent?.slice(0, 500) ?? null,
    };
    await insertSession(db, session);
    return { token, session };
  }

  /** Resolves a presented token to a live session of an active user, or undefined. */
  async validate(token: string): Promise<Found | undefined> {
    const tokenHash = hashToken(token);
    const found = this.cache.get(tokenHash) ?? (await this.read(tokenHash));
    if (!found) return undefined;
    const now = this.clock.now().getTime();
    const { sessionIdleMinutes } = await this.settings.get();
    if (!isLive(found, now, sessionIdleMinutes)) return undefined;
    if (now - found.lastSeenMs > touchIntervalMs) {
      const seen = iso(new Date(now));
      await touchSession(this.db, found.session.id, seen);
      found.session.last_seen_at = seen;
      found.lastSeenMs = now;
    }
    return found;
  }

  /**
   * The session check without a promise, when memory alone can answer: the session is cached, the settings are,
   * and no last-seen write is due. Every request of a busy client takes this path (see http/authenticate.ts).
   */
  validateFromMemory(token: string): Found | undefined | typeof needsDatabase {
    const found = this.cache.get(hashToken(token));
    const settings = this.settings.fromMemory();
    if (!found || !settings) return needsDatabase;
    const now = this.clock.now().getTime();
    if (!isLive(found, now, settings.sessionIdleMinutes)) return undefined;
    return now - found.lastSeenMs > touchIntervalMs ? needsDatabase : found;
  }

  private async read(tokenHash: string): Promise<Cached | undefined> {
    const epoch = currentEpoch();
    const row = await findSessionWithUser(this.db, tokenHash);
    if (!row) return undefined;
    const found: Cached = {
      ...row,
      expiresMs: new Date(row.session.expires_at).getTime(),
      lastSeenMs: new Date(row.session.last_seen_at).getTime(),
    };
    this.cache.set(tokenHash, found, epoch);
    return found;
  }

  async revoke(id: string, db: Db = this.db): Promise<boolean> {
    const deleted = await deleteSession(db, id);
    dataChanged();
    return deleted > 0;
  }

  async revokeAllOf(userId: string, options: { except?: string; db?: Db } = {}): Promise<number> {
    const deleted = await deleteUserSessions(options.db ?? this.db, userId, options.except);
    dataChanged();
    return deleted;
  }

  async listOf(userId: string): Promise<SessionRow[]> {
    return listUserSessions(this.db, userId);
  }
}
