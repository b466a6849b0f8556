/**
 * Bad input at volume (ASVS 1.2, 1.5, 2.2): hostile requests generated from the OpenAPI document to every /api and
 * /scim route, as the admin (and some anonymously): no 500, every 4xx a problem document (SCIM's error form
 * under /scim), and every table unchanged afterwards. CI: 1,000 per dialect; full: 10,000 per dialect.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { openDatabase } from '../../src/db/open.ts';
import { describeBothDialects } from '../harness.ts';
import { snapshot } from './db-snapshot.ts';
import { anonymousOnly, type HostileRequest, hostileRequest, operationsOf } from './hostile.ts';
import { recordFigures, size } from './support.ts';

const count = size('FUZZ_REQUESTS', 1_000, 10_000);

function formOk(url: string, status: number, contentType: string, body: string): boolean {
  if (status < 400) return true;
  if (url.startsWith('/scim/')) {
    return (
      /scim\+json|problem\+json/.test(contentType) &&
      (body.includes('urn:ietf:params:scim:api:messages:2.0:Error') || body.includes('"status"'))
    );
  }
  return contentType.startsWith('application/problem+json');
}

/**
 * Refused before the route looked at the request: no or a refused credential, too large, a media type it does not
 * take, a rate limit, or a body that is no JSON (the parser's refusal, prototype keys included).
 */
function stoppedAtTheDoor(status: number, body: string): boolean {
  return [401, 403, 413, 415, 429].includes(status) || body.includes('not valid JSON') || body.includes('INVALID_BODY');
}

describeBothDialects('robustness: hostile requests generated from the route schemas', (t) => {
  test(`ASVS 1.2.5/2.2.1: at least ${count} malformed or hostile requests: no 500, problem answers, no table changed`, async () => {
    const { app, adminToken, config, dialect } = t();
    const doc = app.swagger() as Parameters<typeof operationsOf>[0];
    const targets = operationsOf(doc);
    assert.ok(targets.length > 100, `only ${targets.length} routes found`);
    const { db } = openDatabase(config);
    try {
      const before = await snapshot(db, dialect);
      // The same share for every route (a flat sample over a growing route table left some routes with only
      // refusals at the door), each route from its own fixed seed.
      const perRoute = Math.max(12, Math.ceil(count / targets.length));
      const requests = targets.flatMap((op, i) => fc.sample(hostileRequest([op]), { numRuns: perRoute, seed: 8 + i }));
      const reached = new Set(requests.map((r) => r.route));
      const missed = targets.map((o) => `${o.method} ${o.path}`).filter((route) => !reached.has(route));
      assert.deepEqual(missed, [], 'every route gets hostile requests');
      const failures: string[] = [];
      const statuses: Record<string, number> = {};
      const pastTheDoor = new Set<string>();
      for (const r of requests) {
        const res = await send(app, r, adminToken);
        statuses[res.statusCode] = (statuses[res.statusCode] ?? 0) + 1;
        if (!stoppedAtTheDoor(res.statusCode, res.body)) pastTheDoor.add(r.route);
        const type = String(res.headers['content-type'] ?? '');
        if (res.statusCode >= 500 || !formOk(r.url, res.statusCode, type, res.body)) {
          failures.push(
            `${res.statusCode} ${r.method} ${r.url.slice(0, 200)} body=${(r.body ?? '').slice(0, 200)} → ${res.body.slice(0, 200)}`,
          );
        }
      }
      // Sent is not tested: each route (but those only ever sent without a credential) must have had requests its
      // own validation or handler answered, not only refusals of the credential, the media type or the JSON text.
      const neverPast = targets
        .filter((o) => !anonymousOnly(o))
        .map((o) => `${o.method} ${o.path}`)
        .filter((route) => !pastTheDoor.has(route));
      assert.deepEqual(neverPast, [], 'every route answers some hostile requests itself');
      const after = await snapshot(db, dialect);
      const changed = Object.keys({ ...before, ...after }).filter((k) => k !== 'events' && before[k] !== after[k]);
      await recordFigures(`badInput.${dialect}`, {
        requests: requests.length,
        routes: targets.length,
        routesWithoutCredentialOnly: targets.filter(anonymousOnly).map((o) => `${o.method} ${o.path}`),
        routesAnsweringThemselves: pastTheDoor.size,
        statuses,
        failures: failures.length,
        events: { before: before.events, after: after.events },
        tablesChanged: changed,
      });
      assert.deepEqual(failures.slice(0, 20), [], `${failures.length} bad answers`);
      assert.deepEqual(
        changed,
        [],
        `tables changed: ${changed.map((k) => `${k}: ${before[k]} → ${after[k]}`).join('; ')}`,
      );
    } finally {
      await db.destroy();
    }
  });
});

describeBothDialects('robustness: bodies nested too deeply', (t) => {
  test('ASVS 2.2.1: JSON nested 100 to 10,000 levels deep is a 400 naming the body, not a 500 (found at full size)', async () => {
    const { app, adminToken } = t();
    for (const levels of [100, 1_000, 10_000]) {
      const nested = `${'{"a":['.repeat(levels / 2)}1${']}'.repeat(levels / 2)}`;
      for (const [method, url, payload] of [
        ['POST', '/api/admin/users', `{"username":"deep${levels}","attributes":${nested}}`],
        ['PATCH', '/api/admin/settings', nested],
        ['POST', '/scim/v2/Users', `{"userName":"deep${levels}","x":${nested}}`],
      ] as const) {
        const r = await app.inject({
          method,
          url,
          headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
          payload,
        });
        assert.equal(r.statusCode, 400, `${method} ${url} at ${levels} levels: ${r.body.slice(0, 200)}`);
      }
    }
  });
});

function send(app: ReturnType<typeof t0>['app'], r: HostileRequest, token: string) {
  const headers: Record<string, string> = {};
  if (!r.anonymous) headers.authorization = `Bearer ${token}`;
  if (r.body !== undefined) headers['content-type'] = r.contentType ?? 'application/json';
  return app.inject({
    method: r.method as 'GET',
    url: r.url,
    headers,
    ...(r.body !== undefined ? { payload: r.body } : {}),
  });
}
type T = Parameters<Parameters<typeof describeBothDialects>[1]>[0];
const t0 = (f: T) => f();
