/**
 * fast-check arbitraries for hostile requests built from the OpenAPI document: every body is invalid by
 * construction (the whole body of the wrong type, or one typed property of the wrong type), path ids are hostile,
 * so no request may change the directory, and every answer must be a 4xx in the problem form (SCIM's under /scim).
 * Every /api and /scim route is a target. Three kinds take a body the document does not describe as a JSON schema:
 * SCIM creations (their resource is checked by hand: the fuzzer knows its required name), the import (CSV or JSON
 * documents that are refused whole) and the few state-changing routes that take nothing at all (logout, "send me a
 * code", "end every session"): any request to those is a valid one, so they are sent hostile requests without a
 * credential only, which must change nothing either.
 */
import fc from 'fast-check';

export type Operation = {
  method: string;
  path: string;
  params: string[];
  query: Record<string, { type?: string }>;
  body: BodySchema | undefined;
  /** The body may also be `null` (an optional confirmation, as on the MFA routes): null is then valid, not hostile. */
  nullable: boolean;
};
type BodySchema = { type?: string; properties?: Record<string, JsonSchema>; anyOf?: BodySchema[] };
type JsonSchema = { type?: string; anyOf?: unknown[]; enum?: unknown[] };

/** SCIM creations validate their resource by hand (the document shows `{}`): the attribute each one requires. */
const scimRequired: Record<string, string> = { '/scim/v2/Users': 'userName', '/scim/v2/Groups': 'displayName' };
const importPath = '/api/admin/import';
// biome-ignore lint/suspicious/noExplicitAny: the OpenAPI document is read as loose JSON.
type OpenApi = { paths: Record<string, Record<string, any>> };

export function operationsOf(doc: OpenApi): Operation[] {
  const ops: Operation[] = [];
  for (const [path, methods] of Object.entries(doc.paths)) {
    if (!path.startsWith('/api/') && !path.startsWith('/scim/')) continue;
    for (const [method, op] of Object.entries(methods)) {
      const parameters = (op.parameters ?? []) as { in: string; name: string; schema?: { type?: string } }[];
      const declared = op.requestBody?.content?.['application/json']?.schema as BodySchema | undefined;
      const variants = declared?.anyOf ?? [];
      const required = method === 'post' ? scimRequired[path] : undefined;
      ops.push({
        method: method.toUpperCase(),
        path,
        params: parameters.filter((p) => p.in === 'path').map((p) => p.name),
        query: Object.fromEntries(parameters.filter((p) => p.in === 'query').map((p) => [p.name, p.schema ?? {}])),
        body: required
          ? { type: 'object', properties: { [required]: { type: 'string' } } }
          : (variants.find((v) => v.type === 'object') ?? declared),
        nullable: variants.some((v) => v.type === 'null'),
      });
    }
  }
  return ops;
}

/**
 * A state-changing route that takes neither path ids nor a body: any request to it with a credential is a valid
 * one (a logout, a code sent), so it is only sent hostile requests without one.
 */
export function anonymousOnly(op: Operation): boolean {
  if (op.method === 'GET' || op.params.length > 0 || op.path === importPath) return false;
  return op.body?.type !== 'object' && op.body?.type !== 'array';
}

export const injections = [
  "' OR '1'='1",
  "'; DROP TABLE users; --",
  '" OR 1=1 --',
  "admin'--",
  '1 UNION SELECT password_hash FROM users',
  'userName eq "x" or true',
  'emails[type eq "work" and value co "@"]',
  'userName sw "" or userName pr',
  ') or (1 eq 1',
  '../../etc/passwd',
  '..%2F..%2Fetc%2Fpasswd',
  '%00',
  '\u0000',
  '\uFEFF',
  '\uD800',
  '\u202E\u0041',
  'ｅｘａｍｐｌｅ',
  'ß'.repeat(50),
  '<script>alert(1)</script>',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: the Log4Shell lookup string, sent as it is
  '${jndi:ldap://x}',
  '{{7*7}}',
  '__proto__',
  'constructor',
  '%',
  '_',
  '\\',
  '*',
];

export const hostileString: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(...injections),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.integer({ min: 1_000, max: 200_000 }).map((n) => 'A'.repeat(n)),
  fc.constantFrom('', ' ', '\n', '-1', '0', '1e309', 'NaN', 'null', 'true', '[]', '{}'),
);

/** Deep nesting, kept as JSON text (building it as a value would overflow the generator's own stack). */
class Deep {
  constructor(readonly depth: number) {}
  toText(): string {
    return `${'{"a":['.repeat(this.depth)}1${']}'.repeat(this.depth)}`;
  }
}
const deep = fc.integer({ min: 50, max: 20_000 }).map((d) => new Deep(d));

/** JSON text of a generated value, with Deep parts spliced in as text. */
export function toJson(v: unknown): string {
  if (v instanceof Deep) return v.toText();
  if (Array.isArray(v)) return `[${v.map(toJson).join(',')}]`;
  if (v && typeof v === 'object') {
    return `{${Object.entries(v)
      .map(([k, x]) => `${JSON.stringify(k)}:${toJson(x)}`)
      .join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}

export const anyHostile: fc.Arbitrary<unknown> = fc.oneof(
  hostileString,
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(hostileString, { maxLength: 5 }),
  fc.dictionary(hostileString, hostileString, { maxKeys: 4 }),
  deep,
);

/** A value no schema of `type` accepts. */
function wrongFor(type: string): fc.Arbitrary<unknown> {
  switch (type) {
    case 'string':
      return fc.oneof(
        fc.integer(),
        fc.boolean(),
        fc.array(fc.integer(), { maxLength: 3 }),
        fc.constant({ $ne: null }),
        deep,
      );
    case 'integer':
    case 'number':
      return fc.oneof(
        hostileString.filter((s) => !/^\s*-?\d/.test(s)),
        fc.constant({ $gt: 0 }),
        fc.constant([1]),
      );
    case 'boolean':
      return fc.oneof(hostileString, fc.constant({}), fc.integer({ min: 2 }));
    default:
      return fc.constant(Symbol.for('none'));
  }
}

/** The raw JSON text of an invalid body for `op` (a string: duplicate keys cannot be built from an object). */
export function invalidBody(op: Operation): fc.Arbitrary<string> {
  const topLevelWrong = fc
    .oneof(
      hostileString,
      fc.integer(),
      ...(op.nullable ? [] : [fc.constant(null)]),
      deep.map((d) => [d]),
    )
    .map((v) => toJson(op.body?.type === 'array' ? { items: v } : v));
  const typed = Object.entries(op.body?.properties ?? {}).filter(
    ([, s]) => typeof s.type === 'string' && ['string', 'integer', 'number', 'boolean'].includes(s.type) && !s.anyOf,
  );
  if (op.body?.type !== 'object' || typed.length === 0) return topLevelWrong;
  const fieldWrong = fc
    .tuple(
      fc.constantFrom(...typed),
      fc.dictionary(fc.constantFrom(...Object.keys(op.body.properties ?? {}), '__proto__', 'constructor'), anyHostile, {
        maxKeys: 4,
      }),
      fc.boolean(),
    )
    .chain(([[name, schema], rest, duplicate]) =>
      wrongFor(schema.type as string).map((wrong) => {
        const others = Object.entries(rest).filter(([k]) => k !== name);
        const pairs = [...others.map(([k, v]) => `${JSON.stringify(k)}:${toJson(v)}`)];
        // Duplicate keys: a harmless-looking first value, the wrong one last (JSON.parse keeps the last).
        if (duplicate) pairs.push(`${JSON.stringify(name)}:"ok"`);
        pairs.push(`${JSON.stringify(name)}:${toJson(wrong)}`);
        return `{${pairs.join(',')}}`;
      }),
    );
  return fc.oneof({ arbitrary: fieldWrong, weight: 3 }, { arbitrary: topLevelWrong, weight: 1 });
}

/**
 * An import document refused whole (each is a 4xx, or at most a report of refused rows): the wrong shape of JSON,
 * users or groups that are not lists, users whose username is not text, CSV without a username column or with an
 * unterminated quote, bytes that are no CSV. A valid row could create a user, so none is ever generated.
 */
const invalidImport: fc.Arbitrary<{ body: string; contentType: string }> = fc.oneof(
  fc
    .oneof(
      hostileString.map((v) => toJson(v)),
      fc.integer().map(String),
      fc.constant('null'),
      deep.map((d) => d.toText()),
      anyHostile.filter((v) => !Array.isArray(v)).map((v) => toJson({ users: v })),
      anyHostile.filter((v) => !Array.isArray(v)).map((v) => toJson({ users: [], groups: v })),
      fc
        .array(wrongFor('string'), { minLength: 1, maxLength: 3 })
        .map((names) => toJson({ users: names.map((username) => ({ username, password: 'x' })) })),
    )
    .map((body) => ({ body, contentType: 'application/json' })),
  fc
    .oneof(
      fc
        .array(
          hostileString.filter((h) => !/username/i.test(h)),
          { minLength: 1, maxLength: 4 },
        )
        .map((cells) => `${cells.map((c) => JSON.stringify(c)).join(',')}\n${cells.map(() => 'x').join(',')}\n`),
      hostileString.map((name) => `username,email\n"${name.replaceAll('"', '')},x@example.org\n`),
      fc.uint8Array({ minLength: 1, maxLength: 200 }).map((bytes) => `\u0000${Buffer.from(bytes).toString('latin1')}`),
    )
    .map((body) => ({ body, contentType: 'text/csv' })),
);

export type HostileRequest = {
  /** The route as the document names it (`POST /api/admin/users/{id}`). */
  route: string;
  method: string;
  url: string;
  body?: string;
  contentType?: string;
  anonymous: boolean;
};

function bodyFor(op: Operation): fc.Arbitrary<{ body?: string; contentType?: string }> {
  if (op.method === 'GET' || op.method === 'DELETE') return fc.constant({});
  if (op.path === importPath) return invalidImport;
  return fc.record({
    body: invalidBody(op),
    contentType: fc.constantFrom(
      'application/json',
      'application/json',
      'application/json',
      'text/plain',
      'application/scim+json',
    ),
  });
}

export function hostileRequest(ops: Operation[]): fc.Arbitrary<HostileRequest> {
  return fc.constantFrom(...ops).chain((op) =>
    fc
      .record({
        ids: fc.array(
          hostileString.filter((s) => s.length > 0 && s.length < 5_000),
          {
            minLength: op.params.length,
            maxLength: op.params.length,
          },
        ),
        query: fc.dictionary(
          fc.constantFrom(...Object.keys(op.query), 'q', 'limit', 'cursor', 'filter'),
          hostileString,
          {
            maxKeys: 3,
          },
        ),
        sent: bodyFor(op),
        anonymous: anonymousOnly(op) ? fc.constant(true) : fc.integer({ min: 0, max: 9 }).map((n) => n === 0),
      })
      .map(({ ids, query, sent, anonymous }) => {
        // A dry run changes nothing whatever it is sent, which would make "no table changed" prove nothing.
        if (op.path === importPath && query.dryRun === 'true') delete query.dryRun;
        let path = op.path;
        op.params.forEach((name, i) => {
          path = path.replace(`{${name}}`, encodeURIComponent(Buffer.from(ids[i] as string).toString()));
        });
        const qs = new URLSearchParams(query as Record<string, string>).toString();
        const route = `${op.method} ${op.path}`;
        return { route, method: op.method, url: qs ? `${path}?${qs}` : path, ...sent, anonymous };
      }),
  );
}
