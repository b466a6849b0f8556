/** The Event resource and the audit-trail query. */
import { z } from 'zod';
import { jsonValue } from '../../http/json-value.ts';
import { listQuerySchema } from '../../http/pagination.ts';

export const eventSchema = z.object({
  id: z.string(),
  at: z.string(),
  actor: z.object({ type: z.string(), id: z.string().nullable(), name: z.string().nullable() }),
  action: z.string(),
  target: z.object({ type: z.string().nullable(), id: z.string().nullable() }),
  ip: z.string().nullable(),
  userAgent: z.string().nullable(),
  outcome: z.string(),
  details: z.record(z.string(), jsonValue),
});
export type EventDto = z.infer<typeof eventSchema>;

const isoTime = z.iso.datetime({ offset: true });

export const listEventsQuerySchema = listQuerySchema.extend({
  actor: z.string().max(100).optional(),
  target: z.string().max(100).optional(),
  /** An action or an action prefix ending in a dot: `user.` matches `user.create`, `user.delete`, … */
  action: z.string().max(100).optional(),
  outcome: z.enum(['success', 'failure', 'denied']).optional(),
  from: isoTime.optional(),
  to: isoTime.optional(),
});
export type ListEventsQuery = z.infer<typeof listEventsQuerySchema>;

export const exportEventsQuerySchema = listEventsQuerySchema.omit({ limit: true, cursor: true }).extend({
  format: z.enum(['jsonl', 'csv']).default('jsonl'),
});
