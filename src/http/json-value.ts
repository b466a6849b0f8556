/**
 * Any JSON value (custom attributes, event details). z.json() is recursive through an inner schema of its own, and
 * converted route by route it came out as a `$ref` to a `schema0` the OpenAPI document never defined. Here the
 * recursion goes through this very schema, whose id in Zod's global registry writes it once under
 * components.schemas.JsonValue, and every reference, its own included, points there.
 */
import { z } from 'zod';

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

export const jsonValue: z.ZodType<Json> = z
  .lazy(() =>
    z.union([z.string(), z.number(), z.boolean(), z.null(), z.array(jsonValue), z.record(z.string(), jsonValue)]),
  )
  .meta({ id: 'JsonValue', description: 'Any JSON value' });
