/**
 * Redis keeps the brute-force counters between test runs (the CI machine's Redis is the one the last session
 * left). Processes that trust no proxy see every test client as 127.0.0.1, so their wrong passwords add up on one
 * address counter run after run, until it locks the address (100 failures a day) and the admin's own sign-in is
 * refused. Tests that use the Redis counters clear the loopback address counters they share first.
 */
import { Redis } from 'ioredis';

const loopback = ['127.0.0.1', '::1', '::ffff:127.0.0.1'];

export async function forgetLoopbackCounters(url = 'redis://127.0.0.1:6379'): Promise<void> {
  const redis = new Redis(url, { maxRetriesPerRequest: 1, lazyConnect: true });
  try {
    await redis.connect();
    await redis.del(...loopback.map((ip) => `gatehouse:throttle:ip:${ip}`));
  } finally {
    redis.disconnect();
  }
}
