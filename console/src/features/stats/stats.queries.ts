// The numbers behind the statistics page, read from the directory, session and audit APIs.
// The contract also names GET /api/admin/stats; the server does not offer it yet, so these are counted here
// from list totals (each a `limit=1` request) instead.
import { api } from '../../api/client';
import { unwrap } from '../../api/problem';

export interface StatsView {
  byStatus: Array<{ name: string; value: number; color: string }>;
  signInsPerDay: Array<{ day: string; succeeded: number; failed: number }>;
  mfa: { enabled: number; counted: number };
  activeSessions: number;
  totalUsers: number;
}

const STATUSES = [
  { name: 'active', color: 'teal.6' },
  { name: 'disabled', color: 'gray.5' },
  { name: 'invited', color: 'indigo.5' },
] as const;

const DAYS = 14;
/** MFA adoption is counted over at most this many users (pages of 200). */
const MFA_SAMPLE_PAGES = 5;

async function usersWithStatus(status: 'active' | 'disabled' | 'invited'): Promise<number> {
  return (await unwrap(api.GET('/api/admin/users', { params: { query: { status, limit: 1 } } }))).total;
}

async function signIns(from: string, to: string, outcome: 'success' | 'failure'): Promise<number> {
  const query = { action: 'auth.login', outcome, from, to, limit: 1 };
  return (await unwrap(api.GET('/api/admin/events', { params: { query } }))).total;
}

async function mfaAdoption(): Promise<{ enabled: number; counted: number }> {
  let enabled = 0;
  let counted = 0;
  let cursor: string | undefined;
  for (let page = 0; page < MFA_SAMPLE_PAGES; page += 1) {
    const query = { limit: 200, ...(cursor ? { cursor } : {}) };
    const answer = await unwrap(api.GET('/api/admin/users', { params: { query } }));
    counted += answer.items.length;
    enabled += answer.items.filter((user) => user.mfaEnabled).length;
    if (!answer.nextCursor) break;
    cursor = answer.nextCursor;
  }
  return { enabled, counted };
}

function lastDays(now: Date): Array<{ day: string; from: string; to: string }> {
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  return Array.from({ length: DAYS }, (_, index) => {
    const start = new Date(today - (DAYS - 1 - index) * 86_400_000);
    const end = new Date(start.getTime() + 86_400_000 - 1);
    return { day: start.toISOString().slice(5, 10), from: start.toISOString(), to: end.toISOString() };
  });
}

export async function loadStats(canReadEvents: boolean, canReadSessions: boolean): Promise<StatsView> {
  const days = lastDays(new Date());
  const [counts, mfa, sessions, perDay] = await Promise.all([
    Promise.all(STATUSES.map((status) => usersWithStatus(status.name))),
    mfaAdoption(),
    canReadSessions
      ? unwrap(api.GET('/api/admin/sessions', { params: { query: { limit: 1 } } })).then((answer) => answer.total)
      : Promise.resolve(0),
    canReadEvents
      ? Promise.all(
          days.map(async ({ day, from, to }) => ({
            day,
            succeeded: await signIns(from, to, 'success'),
            failed: await signIns(from, to, 'failure'),
          })),
        )
      : Promise.resolve([]),
  ]);
  const byStatus = STATUSES.map((status, index) => ({ ...status, value: counts[index] ?? 0 }));
  return {
    byStatus: byStatus.filter((item) => item.value > 0),
    signInsPerDay: perDay,
    mfa,
    activeSessions: sessions,
    totalUsers: byStatus.reduce((sum, item) => sum + item.value, 0),
  };
}
