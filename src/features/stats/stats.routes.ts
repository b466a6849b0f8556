/** GET /api/admin/stats: users by status, MFA adoption, live sessions and sign-ins per day (last 30 days). */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { iso } from '../../clock.ts';
import { AppError } from '../../errors.ts';
import { callerOf } from '../../http/caller.ts';
import type { Services } from '../../services.ts';
import { liveSessionCount, mfaEnabledCount, signInsPerDay, usersByStatus } from './stats.store.ts';

const statsSchema = z.object({
  users: z.object({
    total: z.number().int(),
    active: z.number().int(),
    disabled: z.number().int(),
    invited: z.number().int(),
  }),
  mfa: z.object({ enabled: z.number().int(), adoption: z.number() }),
  sessions: z.object({ active: z.number().int() }),
  signInsPerDay: z.array(z.object({ day: z.string(), count: z.number().int() })),
});

export const statsRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (app, { services }) => {
  app.get(
    '/api/admin/stats',
    {
      schema: { tags: ['stats'], summary: 'Directory statistics', response: { 200: statsSchema } },
      config: { access: 'users:read' },
    },
    async (request) => {
      // Whole-directory figures: an organization-scoped admin would learn about other organizations.
      if (!callerOf(request).access.global.has('users:read'))
        throw new AppError('ORGANIZATION_SCOPE', { detail: 'Statistics cover the whole directory' });
      const now = services.clock.now();
      const from = new Date(now.getTime() - 29 * 86_400_000);
      const [byStatus, mfa, sessions, perDay] = await Promise.all([
        usersByStatus(services.db),
        mfaEnabledCount(services.db),
        liveSessionCount(services.db, iso(now)),
        signInsPerDay(services.db, `${iso(from).slice(0, 10)}T00:00:00.000Z`),
      ]);
      const total = Object.values(byStatus).reduce((a, b) => a + b, 0);
      return {
        users: {
          total,
          active: byStatus.active ?? 0,
          disabled: byStatus.disabled ?? 0,
          invited: byStatus.invited ?? 0,
        },
        mfa: { enabled: mfa, adoption: total === 0 ? 0 : Math.round((mfa / total) * 1000) / 1000 },
        sessions: { active: sessions },
        signInsPerDay: perDay,
      };
    },
  );
};
