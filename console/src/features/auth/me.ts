// The signed-in user (GET /api/me) and what it may do; every page asks here before offering an action.
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../api/client';
import { ApiError, unwrap } from '../../api/problem';
import type { Answer } from '../../api/types';

export type Me = Answer<'/api/me', 'get'>;

export const meKey = ['me'] as const;

/** Loads the current user; `null` when nobody is signed in (401), an error for anything else. */
export function useMe() {
  return useQuery({
    queryKey: meKey,
    queryFn: async (): Promise<Me | null> => {
      try {
        return await unwrap(api.GET('/api/me'));
      } catch (error) {
        if (error instanceof ApiError && error.status === 401) return null;
        throw error;
      }
    },
    staleTime: 60_000,
  });
}

/** Permission checks for the signed-in user; `can('users:write')`. */
export function usePermissions(): { can: (permission: string) => boolean; canAny: (...list: string[]) => boolean } {
  const { data } = useMe();
  const held = new Set<string>(data?.permissions ?? []);
  const can = (permission: string): boolean => held.has(permission);
  return { can, canAny: (...list) => list.some(can) };
}

/** Forgets everything cached for the previous user (after sign-in, sign-out or a password reset). */
export function useResetSession(): () => Promise<void> {
  const client = useQueryClient();
  return async () => {
    client.removeQueries({ predicate: (query) => query.queryKey[0] !== 'me' });
    await client.invalidateQueries({ queryKey: meKey });
  };
}
