/**
 * fast-check arbitraries for hostile requests built from the OpenAPI document: every body is invalid by
 * construction (the whole body of the wrong type, or one typed property of the wrong type), path ids are hostile,
 * so no request may change the directory, and every answer must be a 4xx in the problem form (SCIM's under /scim).
 */
import fc from 'fast-check';

export type Operation = {
  method: string;
  path: string;
  params: string[];
  query: Record<string, { type?: string }>;
  body: { type?: string; properties?: Record<string, JsonSchema> } | undefined;
};
type JsonSchema = { type?: string; anyOf?: unknown[]; enum?: unknown[] };
// biome-ignore lint/suspicious/noExplicitAny: the OpenAPI document is read as loose JSON.
type OpenApi = { paths: Record<string, Record<string, any>> };

export function operationsOf(doc: OpenApi): Operation[] {
  const ops: Operation[] = [];
  for (const [path, methods] of Object.entries(doc.paths)) {
    if (!path.startsWith('/api/') && !path.startsWith('/scim/')) continue;
    for (const [method, op] of Object.entries(methods)) {
      const parameters = (op.parameters ?? []) as { in: string; name: string; schema?: { type?: string } }[];
      ops.push({
        method: method.toUpperCase(),
        path,
        params: parameters.filter((p) => p.in === 'path').map((p) => p.name),
        query: Object.fromEntries(parameters.filter((p) => p.in === 'query').map((p) => [p.name, p.schema ?? {}])),
        body: op.requestBody?.content?.['application/json']?.schema,
      });
    }
  }
  return ops;
}

/** A state-changing route that takes neither path ids nor a JSON body cannot be sent an invalid request. */
export function fuzzable(op: Operation): boolean {
  if (op.method === 'GET') return true;
  if (op.params.length > 0) return true;
  return op.body?.type === 'object' || op.body?.type === 'array';
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
      fc.constant(null),
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

export type HostileRequest = { method: string; url: string; body?: string; contentType?: string; anonymous: boolean };

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
        body: op.method === 'GET' || op.method === 'DELETE' ? fc.constant(undefined) : invalidBody(op),
        anonymous: fc.integer({ min: 0, max: 9 }).map((n) => n === 0),
        contentType: fc.constantFrom(
          'application/json',
          'application/json',
          'application/json',
          'text/plain',
          'application/scim+json',
        ),
      })
      .map(({ ids, query, body, anonymous, contentType }) => {
        let path = op.path;
        op.params.forEach((name, i) => {
          path = path.replace(`{${name}}`, encodeURIComponent(Buffer.from(ids[i] as string).toString()));
        });
        const qs = new URLSearchParams(query as Record<string, string>).toString();
        return { method: op.method, url: qs ? `${path}?${qs}` : path, body, anonymous, contentType };
      }),
  );
}
