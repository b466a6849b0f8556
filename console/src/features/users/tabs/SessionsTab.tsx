// The user's sessions, each revocable, plus "sign out everywhere".
import { Button, Group, Paper } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../api/client';
import { describeError, unwrap } from '../../../api/problem';
import { ErrorState, Loading } from '../../../app/states';
import { usePermissions } from '../../auth/me';
import { type SessionRow, SessionsTable } from '../../sessions/SessionsTable';

export function SessionsTab({ userId }: { userId: string }) {
  const client = useQueryClient();
  const { can } = usePermissions();
  const key = ['users', 'one', userId, 'sessions'];
  const { data, error, refetch } = useQuery({
    queryKey: key,
    queryFn: () => unwrap(api.GET('/api/admin/users/{id}/sessions', { params: { path: { id: userId } } })),
  });
  const revoke = useMutation({
    mutationFn: (id: string | null) =>
      id
        ? unwrap(api.DELETE('/api/admin/sessions/{id}', { params: { path: { id } } }))
        : unwrap(api.DELETE('/api/admin/users/{id}/sessions', { params: { path: { id: userId } } })),
    onSuccess: () => client.invalidateQueries({ queryKey: ['users'] }),
    onError: (err) => notifications.show({ color: 'red', title: 'Not signed out', message: describeError(err) }),
  });
  if (error) return <ErrorState error={error} onRetry={() => refetch()} />;
  if (!data) return <Loading />;
  const sessions = ((Array.isArray(data) ? data : data.items) ?? []) as SessionRow[];
  const canRevoke = can('sessions:revoke');

  return (
    <Paper withBorder>
      {canRevoke && sessions.length > 0 && (
        <Group justify="flex-end" p="xs">
          <Button size="xs" color="red" variant="light" onClick={() => revoke.mutate(null)} loading={revoke.isPending}>
            Sign out everywhere
          </Button>
        </Group>
      )}
      <SessionsTable sessions={sessions} onRevoke={canRevoke ? (session) => revoke.mutate(session.id) : undefined} />
    </Paper>
  );
}
