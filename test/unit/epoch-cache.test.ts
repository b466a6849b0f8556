import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import SQLite from 'better-sqlite3';
import { currentEpoch, dataChanged, EpochCache } from '../../src/cache/epoch-cache.ts';
import { withStatementCache } from '../../src/db/sqlite.ts';

describe('epoch cache (the session check and GET /api/me)', () => {
  const clocked = () => {
    let now = 0;
    const cache = new EpochCache<string, number>({ ttlMs: 500, maxEntries: 3, now: () => now });
    return { cache, advance: (ms: number) => (now += ms) };
  };

  test('serves a value until its time to live passes', () => {
    const { cache, advance } = clocked();
    cache.set('a', 1, currentEpoch());
    advance(499);
    assert.equal(cache.get('a'), 1);
    advance(1);
    assert.equal(cache.get('a'), undefined);
  });

  test('any recorded change drops every entry at once, freeing them', () => {
    const { cache } = clocked();
    cache.set('a', 1, currentEpoch());
    cache.set('b', 2, currentEpoch());
    dataChanged();
    assert.equal(cache.get('a'), undefined);
    assert.equal(cache.size, 0, 'b went too, without being asked for');
  });

  test('a value read before a change is not kept after it', () => {
    const { cache } = clocked();
    const epoch = currentEpoch();
    dataChanged(); // a change lands while the value was being read
    cache.set('a', 1, epoch);
    assert.equal(cache.get('a'), undefined);
  });

  test('stays bounded: the oldest entry goes first', () => {
    const { cache } = clocked();
    const epoch = currentEpoch();
    for (const key of ['a', 'b', 'c', 'd']) cache.set(key, 1, epoch);
    assert.equal(cache.size, 3);
    assert.equal(cache.get('a'), undefined);
    assert.equal(cache.get('d'), 1);
  });
});

describe('SQLite statement cache', () => {
  test('reuses a prepared statement, and prepares a fresh one while the cached one is being iterated', () => {
    const native = new SQLite(':memory:');
    const db = withStatementCache(native, 2);
    native.exec('CREATE TABLE t (n INTEGER); INSERT INTO t VALUES (1), (2), (3)');
    const sql = 'SELECT n FROM t ORDER BY n';
    const first = db.prepare(sql);
    assert.equal(db.prepare(sql), first);
    const iterator = (first as unknown as SQLite.Statement).iterate();
    iterator.next();
    const during = db.prepare(sql);
    assert.notEqual(during, first);
    assert.deepEqual((during as unknown as SQLite.Statement).all(), [{ n: 1 }, { n: 2 }, { n: 3 }]);
    iterator.return?.();
    assert.equal(db.prepare(sql), first);
    native.close();
  });
});
