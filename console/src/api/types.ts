// Types of request bodies and answers, read off the generated OpenAPI paths so they are never written twice.
import type { paths } from './schema';

type JsonOf<T> = T extends { content: { 'application/json': infer Body } } ? Body : never;
type Operation<P extends keyof paths, M extends keyof paths[P]> = paths[P][M];

/** The JSON answer of a successful (200 or 201) operation. */
export type Answer<P extends keyof paths, M extends keyof paths[P]> =
  Operation<P, M> extends { responses: infer R }
    ? R extends { 200: infer A }
      ? JsonOf<A>
      : R extends { 201: infer B }
        ? JsonOf<B>
        : never
    : never;

/** The JSON body an operation accepts. */
export type BodyOf<P extends keyof paths, M extends keyof paths[P]> =
  Operation<P, M> extends { requestBody?: infer Req } ? JsonOf<NonNullable<Req>> : never;

/** The element type of a list answer `{items, nextCursor, total}`. */
export type ItemOf<P extends keyof paths> = 'get' extends keyof paths[P]
  ? Answer<P, 'get'> extends { items: Array<infer Item> }
    ? Item
    : never
  : never;
