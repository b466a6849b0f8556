/** iso(): the stored timestamp format, with its last answer kept. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { iso } from '../../src/clock.ts';

test('iso answers each instant in ISO 8601 UTC, also when asked again or in between', () => {
  const a = new Date(Date.UTC(2026, 0, 2, 3, 4, 5, 6));
  const b = new Date(a.getTime() + 1);
  assert.equal(iso(a), '2026-01-02T03:04:05.006Z');
  assert.equal(iso(new Date(a.getTime())), '2026-01-02T03:04:05.006Z');
  assert.equal(iso(b), '2026-01-02T03:04:05.007Z');
  assert.equal(iso(a), '2026-01-02T03:04:05.006Z');
  assert.throws(() => iso(new Date(Number.NaN)), RangeError);
});
