/** The Redis counters (GATEHOUSE_REDIS_URL): each step is one Lua script, atomic across every node. */
import type { Redis } from 'ioredis';
import { lazyRequire } from '../../lazy-require.ts';
import { type CounterState, type FailureCounters, type Limit, limitAt, type Reserve } from './lockout.counters.ts';

const ioredis = lazyRequire<typeof import('ioredis')>('ioredis');

const prefix = 'gatehouse:throttle:';
/** Keys expire a while after their last use; a lock always outlives its own key's expiry. */
const idleTtlMs = 7 * 86_400_000;

// KEYS[1]; ARGV: now, first limit, cutoff, ttl, limit after a lock → {1, level} taken | {0, level, until}
const reserveScript = `
local h = redis.call('HMGET', KEYS[1], 'f', 'l', 'u', 't')
local f, l, u, t = tonumber(h[1]) or 0, tonumber(h[2]) or 0, tonumber(h[3]) or 0, tonumber(h[4]) or 0
local now, limit, cutoff = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
if u > now then return {0, l, u} end
if t < cutoff then f = 0; if u < cutoff then l = 0 end end
if l > 0 then limit = tonumber(ARGV[5]) end
if f >= limit then return {0, l, 0} end
redis.call('HSET', KEYS[1], 'f', f + 1, 'l', l, 't', now)
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[4]))
return {1, l}`;

// KEYS[1]; ARGV: now, limit, level, duration, ttl → lock end, or 0
const lockScript = `
local f = tonumber(redis.call('HGET', KEYS[1], 'f')) or 0
local l = tonumber(redis.call('HGET', KEYS[1], 'l')) or 0
if f < tonumber(ARGV[2]) or l ~= tonumber(ARGV[3]) then return 0 end
local u = tonumber(ARGV[1]) + tonumber(ARGV[4])
redis.call('HSET', KEYS[1], 'f', 0, 'l', l + 1, 'u', u)
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[4]) + tonumber(ARGV[5]))
return u`;

const undoScript = `
local f = tonumber(redis.call('HGET', KEYS[1], 'f')) or 0
if f > 0 then redis.call('HSET', KEYS[1], 'f', f - 1) end
return f`;

export class RedisCounters implements FailureCounters {
  private readonly redis: Redis;

  constructor(url: string) {
    // Fail fast instead of queueing sign-ins forever when Redis is down (answered 503 by the service).
    this.redis = new (ioredis().Redis)(url, { maxRetriesPerRequest: 1, connectTimeout: 2_000, lazyConnect: true });
  }

  async reserve(key: string, limit: Limit, now: number, decayMs: number): Promise<Reserve> {
    const args = [now, limit.first, now - decayMs, idleTtlMs, limit.afterLock];
    const r = (await this.redis.eval(reserveScript, 1, prefix + key, ...args)) as number[];
    if (r[0] === 1) return { ok: true, level: Number(r[1]) };
    return { ok: false, level: Number(r[1]), until: Number(r[2]) > 0 ? Number(r[2]) : null };
  }

  async lockIfFull(key: string, limit: Limit, now: number, duration: (level: number) => number) {
    const state = await this.state(key);
    const full = state ? limitAt(limit, state.level) : 0;
    if (!state || state.failures < full) return null;
    const args = [now, full, state.level, duration(state.level), idleTtlMs];
    const until = Number(await this.redis.eval(lockScript, 1, prefix + key, ...args));
    return until > 0 ? until : null;
  }

  async reset(key: string): Promise<void> {
    await this.redis.del(prefix + key);
  }

  async undo(key: string): Promise<void> {
    await this.redis.eval(undoScript, 1, prefix + key);
  }

  async state(key: string): Promise<CounterState | undefined> {
    const h = await this.redis.hgetall(prefix + key);
    if (!h.f && !h.u) return undefined;
    const until = Number(h.u ?? 0);
    return { failures: Number(h.f ?? 0), level: Number(h.l ?? 0), lockedUntil: until > 0 ? until : null };
  }

  async close(): Promise<void> {
    this.redis.disconnect();
  }
}
