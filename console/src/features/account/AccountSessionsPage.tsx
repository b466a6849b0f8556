// Own sessions: where you are signed in, and sign-out of any other device.
import { Paper } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../api/client';
import { describeError, unwrap } from '../../api/problem';
import { PageHeader } from '../../app/PageHeader';
import { ErrorState, Loading } from '../../app/states';
import { type SessionRow, SessionsTable } from '../sessions/SessionsTable';

const key = ['me', 'sessions'] as const;

export function AccountSessionsPage() {
  const client = useQueryClient();
  const { data, error, refetch } = useQuery({ queryKey: key, queryFn: () => unwrap(api.GET('/api/me/sessions')) });
  const revoke = useMutation({
    mutationFn: (id: string) => unwrap(api.DELETE('/api/me/sessions/{id}', { params: { path: { id } } })),
    onSuccess: () => client.invalidateQueries({ queryKey: key }),
    onError: (err) => notifications.show({ color: 'red', title: 'Not signed out', message: describeError(err) }),
  });
  const sessions = ((Array.isArray(data) ? data : (data as { items?: SessionRow[] } | undefined)?.items) ??
    []) as SessionRow[];

  return (
    <>
      <PageHeader title="Sessions" description="Devices where you are signed in. Sign out any you do not recognise." />
      {error ? (
        <ErrorState error={error} onRetry={() => refetch()} />
      ) : !data ? (
        <Loading />
      ) : (
        <Paper withBorder>
          <SessionsTable sessions={sessions} onRevoke={(session) => !session.current && revoke.mutate(session.id)} />
        </Paper>
      )}
    </>
  );
}
