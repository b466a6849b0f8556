/**
 * The audit trail's write side. Every change records its event with the same transaction handle as the change,
 * so a rolled-back change leaves no event and a committed one always has its event.
 */
import { dataChanged } from '../../cache/epoch-cache.ts';
import type { Clock } from '../../clock.ts';
import { iso } from '../../clock.ts';
import { newId } from '../../crypto/tokens.ts';
import type { Db, EventsTable } from '../../db/database.ts';
import { eventSince, insertEvent } from './events.store.ts';

/** Who acts: a user (through a session), an API key, or the system itself (start-up, CLI, jobs). */
export type Actor = {
  type: 'user' | 'api-key' | 'system' | 'anonymous';
  id: string | null;
  name: string | null;
  ip: string | null;
  userAgent: string | null;
  /** The user an API key acts for, when it is a personal key. */
  onBehalfOf?: string | null;
};

export const systemActor: Actor = { type: 'system', id: null, name: 'system', ip: null, userAgent: null };

export type EventInput = {
  action: string;
  target: { type: string; id: string | null } | null;
  outcome?: 'success' | 'failure' | 'denied';
  details?: Record<string, unknown>;
};

/** Keys whose values never enter an event, whatever a caller passes. */
const secretKeys = /pass(word)?|secret|token|hash|code|otp|key$/i;
/** Flags whose names match the pattern above but hold no secret (the user column in a field diff). */
const notSecret = new Set(['must_change_password']);

/**
 * The details as JSON, the value under any secret-looking key replaced, at any depth; a boolean is kept (a flag
 * such as `passwordChanged` is not a secret, and it was written as "[redacted]"). One pass of JSON.stringify with
 * a replacer: copying the object first cost more than writing it (~2 µs per event in a bulk import), and turned a
 * Date into `{}`.
 */
export function redactedJson(details: Record<string, unknown>): string {
  return JSON.stringify(details, (key, value) =>
    typeof value !== 'boolean' && secretKeys.test(key) && !notSecret.has(key) ? '[redacted]' : value,
  );
}

/** The events row recordEvent writes (exported for bulk writers that insert many at once). */
export function eventRow(now: Date, actor: Actor, event: EventInput): EventsTable {
  return {
    id: newId(now),
    at: iso(now),
    actor_type: actor.type,
    actor_id: actor.id,
    actor_name: actor.name,
    action: event.action,
    target_type: event.target?.type ?? null,
    target_id: event.target?.id ?? null,
    ip: actor.ip,
    user_agent: actor.userAgent,
    outcome: event.outcome ?? 'success',
    details: redactedJson(event.details ?? {}),
  };
}

export async function recordEvent(db: Db, clock: Clock, actor: Actor, event: EventInput): Promise<void> {
  await insertEvent(db, eventRow(clock.now(), actor, event));
  // Every change records an event: the per-process read caches (session check) drop what they hold.
  dataChanged();
}

/** Whether such an event was recorded after `since`: for features that pace an action (one recovery mail a minute). */
export function recordedSince(
  db: Db,
  match: { action: string; targetId: string; outcome: 'success' | 'failure' | 'denied' },
  since: Date,
): Promise<boolean> {
  return eventSince(db, match, iso(since));
}
