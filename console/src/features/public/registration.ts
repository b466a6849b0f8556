// Whether self-registration is open (GET /api/auth/register): the sign-in page offers sign-up only then.
import { useQuery } from '@tanstack/react-query';
import { api } from '../../api/client';
import { unwrap } from '../../api/problem';

/** `true` / `false` once known; `undefined` while loading or when the answer could not be read. */
export function useRegistrationOpen(): boolean | undefined {
  const { data } = useQuery({
    queryKey: ['registration-open'],
    queryFn: () => unwrap(api.GET('/api/auth/register')),
    staleTime: 60_000,
    retry: false,
  });
  return data?.open;
}
