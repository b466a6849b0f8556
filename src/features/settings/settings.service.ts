/**
 * Settings, read through a one-second cache: a change on any node takes effect everywhere within a second,
 * without a database read on every request.
 */
import type { Clock } from '../../clock.ts';
import type { Db } from '../../db/database.ts';
import { AppError, fieldError } from '../../errors.ts';
import type { Actor } from '../events/events.service.ts';
import { recordEvent } from '../events/events.service.ts';
import { defaultSettings, type Settings, settingsSchema } from './settings.schema.ts';
import { readSettingRows, writeSettingRows } from './settings.store.ts';

const cacheMs = 1000;

export class SettingsService {
  private cached: { value: Settings; at: number } | undefined;
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    /** Whether a group exists: requireGroup names a default group, which must be one. */
    private readonly groupExists: (db: Db, id: string) => Promise<boolean>,
  ) {}

  /** The settings when read recently, without a promise (the session check's fast path); otherwise undefined. */
  fromMemory(): Settings | undefined {
    return this.cached && Date.now() - this.cached.at < cacheMs ? this.cached.value : undefined;
  }

  /** Pass the transaction when called inside one: on SQLite the root handle waits for the transaction's connection. */
  async get(db: Db = this.db): Promise<Settings> {
    const fresh = this.fromMemory();
    if (fresh) return fresh;
    const readAt = Date.now();
    const stored = await readSettingRows(db);
    // A value that no longer validates (older version, hand edit) falls back to its default, not to a crash.
    const merged: Record<string, unknown> = { ...defaultSettings };
    for (const [key, value] of Object.entries(stored)) {
      const field = settingsSchema.shape[key as keyof Settings];
      if (field?.safeParse(value).success) merged[key] = value;
    }
    const value = settingsSchema.parse(merged);
    this.cached = { value, at: readAt };
    return value;
  }

  async update(patch: Partial<Settings>, actor: Actor): Promise<Settings> {
    const before = await this.get();
    const next = settingsSchema.parse({ ...before, ...patch });
    if (next.usernameMinLength > next.usernameMaxLength) {
      throw new AppError('VALIDATION_FAILED', {
        errors: [{ path: 'usernameMinLength', message: 'must not exceed usernameMaxLength' }],
      });
    }
    await this.validateDefaultGroup(next);
    const changed = Object.fromEntries(
      Object.entries(patch).filter(([k, v]) => JSON.stringify(before[k as keyof Settings]) !== JSON.stringify(v)),
    );
    await this.db.transaction().execute(async (trx) => {
      await writeSettingRows(trx, changed);
      await recordEvent(trx, this.clock, actor, {
        action: 'settings.update',
        target: { type: 'settings', id: null },
        details: { changes: diffValues(before, changed) },
      });
    });
    this.cached = undefined;
    return this.get();
  }

  /** requireGroup needs an existing default group (400 naming the field otherwise). */
  private async validateDefaultGroup(next: Settings): Promise<void> {
    if (next.defaultGroupId && !(await this.groupExists(this.db, next.defaultGroupId)))
      throw fieldError('defaultGroupId', 'is not a group');
    if (next.requireGroup && !next.defaultGroupId)
      throw fieldError('defaultGroupId', 'is required while requireGroup is on');
  }
}

function diffValues(
  before: Settings,
  changed: Record<string, unknown>,
): Record<string, { from: unknown; to: unknown }> {
  return Object.fromEntries(Object.entries(changed).map(([k, v]) => [k, { from: before[k as keyof Settings], to: v }]));
}
