/**
 * Short-lived per-process caches for the hot read paths (the session check, GET /api/me).
 *
 * Every change Gatehouse makes records an audit event in its transaction (events.service.ts), and recording one
 * calls `dataChanged()`. An entry is served only while no change happened in this process since it was read and
 * its time to live has not passed, so a change made through this node is seen by the next request, and a change
 * made through another node (or the CLI) within `ttlMs`: the contract's bound for several nodes is one second.
 *
 * The one window left: on PostgreSQL a read that starts after a change's event was recorded but before that
 * transaction commits sees the old row and caches it under the new epoch, for at most `ttlMs`. SQLite has a
 * single connection, so no read runs inside another change's transaction there.
 */
let epoch = 0;

/** Called for every recorded change; invalidates every entry of every cache in this process. */
export function dataChanged(): void {
  epoch++;
}

/** The epoch to read before loading a value, and to pass to `set` with it. */
export function currentEpoch(): number {
  return epoch;
}

type Entry<V> = { value: V; epoch: number; until: number };

export class EpochCache<K, V> {
  private readonly entries = new Map<K, Entry<V>>();
  /** The epoch the entries were kept under; on the first use after a change they are all dropped at once. */
  private epochSeen = epoch;

  constructor(private readonly options: { ttlMs: number; maxEntries: number; now?: () => number }) {}

  private now(): number {
    return this.options.now ? this.options.now() : performance.now();
  }

  /** A change invalidates every entry: free them now rather than one by one as they are asked for. */
  private dropIfChanged(): void {
    if (this.epochSeen === epoch) return;
    this.entries.clear();
    this.epochSeen = epoch;
  }

  get(key: K): V | undefined {
    this.dropIfChanged();
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.epoch !== epoch || this.now() >= entry.until) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.value;
  }

  /** Keeps a value read at `readEpoch`; one read before a change is never kept after it. */
  set(key: K, value: V, readEpoch: number): void {
    if (readEpoch !== epoch) return;
    this.dropIfChanged();
    this.entries.delete(key);
    this.entries.set(key, { value, epoch: readEpoch, until: this.now() + this.options.ttlMs });
    // Oldest first in a Map: evict it when full, so memory stays bounded whatever the number of sessions.
    if (this.entries.size > this.options.maxEntries) this.entries.delete(this.entries.keys().next().value as K);
  }

  delete(key: K): void {
    this.entries.delete(key);
  }

  get size(): number {
    return this.entries.size;
  }
}
