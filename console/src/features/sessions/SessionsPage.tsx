// Sessions monitor: every active session, with sign-out of one or of everyone.
import { Anchor, Button, Paper } from '@mantine/core';
import { modals } from '@mantine/modals';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link } from 'react-router';
import { api } from '../../api/client';
import { describeError, unwrap } from '../../api/problem';
import { PageHeader } from '../../app/PageHeader';
import { ErrorState, Loading } from '../../app/states';
import { usePermissions } from '../auth/me';
import { type SessionRow, SessionsTable } from './SessionsTable';

const key = ['admin-sessions'] as const;

export function SessionsPage() {
  const client = useQueryClient();
  const { can } = usePermissions();
  const { data, error, refetch } = useQuery({
    queryKey: key,
    queryFn: () => unwrap(api.GET('/api/admin/sessions', { params: { query: { limit: 200 } as never } })),
    refetchInterval: 30_000,
  });
  const revoke = useMutation({
    mutationFn: (id: string | null) =>
      id
        ? unwrap(api.DELETE('/api/admin/sessions/{id}', { params: { path: { id } } }))
        : unwrap(api.DELETE('/api/admin/sessions')),
    onSuccess: () => client.invalidateQueries({ queryKey: key }),
    onError: (err) => notifications.show({ color: 'red', title: 'Not signed out', message: describeError(err) }),
  });

  const items = (data?.items ?? []) as SessionRow[];
  const confirmAll = () =>
    modals.openConfirmModal({
      title: 'Sign everyone out?',
      children: 'Every session ends, yours included. People must sign in again.',
      labels: { confirm: 'Sign everyone out', cancel: 'Cancel' },
      confirmProps: { color: 'red' },
      onConfirm: () => revoke.mutate(null),
    });

  return (
    <>
      <PageHeader
        title="Sessions"
        description={data ? `${data.total} active sessions` : undefined}
        actions={
          can('sessions:revoke') && (
            <Button color="red" variant="light" onClick={confirmAll}>
              Sign everyone out
            </Button>
          )
        }
      />
      {error ? (
        <ErrorState error={error} onRetry={() => refetch()} />
      ) : !data ? (
        <Loading />
      ) : (
        <Paper withBorder>
          <SessionsTable
            sessions={items}
            showUser={(session) => (
              <Anchor component={Link} to={`/admin/users/${session.userId}`} size="sm">
                {session.username ?? 'Open user'}
              </Anchor>
            )}
            onRevoke={can('sessions:revoke') ? (session) => revoke.mutate(session.id) : undefined}
          />
        </Paper>
      )}
    </>
  );
}
