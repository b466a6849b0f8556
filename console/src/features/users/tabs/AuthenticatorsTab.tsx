// The user's second factors; an administrator may remove one (a lost phone), never see its secret.
import { Badge, Button, Paper, Table } from '@mantine/core';
import { modals } from '@mantine/modals';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../api/client';
import { describeError, unwrap } from '../../../api/problem';
import { formatDate } from '../../../app/format';
import { EmptyState, ErrorState, Loading } from '../../../app/states';
import { usePermissions } from '../../auth/me';

interface AuthenticatorRow {
  id: string;
  type: string;
  label?: string | null;
  createdAt?: string;
  lastUsedAt?: string | null;
}

export function AuthenticatorsTab({ userId }: { userId: string }) {
  const client = useQueryClient();
  const { can } = usePermissions();
  const key = ['users', 'one', userId, 'mfa'];
  const { data, error, refetch } = useQuery({
    queryKey: key,
    queryFn: () => unwrap(api.GET('/api/admin/users/{id}/mfa', { params: { path: { id: userId } } })),
  });
  const remove = useMutation({
    mutationFn: (authenticatorId: string) =>
      unwrap(
        api.DELETE('/api/admin/users/{id}/mfa/{authenticatorId}', {
          params: { path: { id: userId, authenticatorId } },
        }),
      ),
    onSuccess: () => client.invalidateQueries({ queryKey: ['users'] }),
    onError: (err) => notifications.show({ color: 'red', title: 'Not removed', message: describeError(err) }),
  });
  if (error) return <ErrorState error={error} onRetry={() => refetch()} />;
  if (!data) return <Loading />;
  const rows = ((Array.isArray(data) ? data : data.items) ?? []) as AuthenticatorRow[];
  if (!rows.length) return <EmptyState title="No second factor">This user signs in with a password only.</EmptyState>;

  const confirm = (row: AuthenticatorRow) =>
    modals.openConfirmModal({
      title: `Remove this ${row.type.toUpperCase()} authenticator?`,
      children: 'The user will need to enrol a new one. Do this when a device was lost.',
      labels: { confirm: 'Remove', cancel: 'Cancel' },
      confirmProps: { color: 'red' },
      onConfirm: () => remove.mutate(row.id),
    });

  return (
    <Paper withBorder>
      <Table aria-label="Authenticators">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Type</Table.Th>
            <Table.Th>Name</Table.Th>
            <Table.Th>Added</Table.Th>
            <Table.Th>Last used</Table.Th>
            <Table.Th />
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {rows.map((row) => (
            <Table.Tr key={row.id}>
              <Table.Td>
                <Badge variant="light">{row.type}</Badge>
              </Table.Td>
              <Table.Td>{row.label ?? '—'}</Table.Td>
              <Table.Td>{formatDate(row.createdAt)}</Table.Td>
              <Table.Td>{row.lastUsedAt ? formatDate(row.lastUsedAt) : 'Never'}</Table.Td>
              <Table.Td>
                {can('users:write') && (
                  <Button size="xs" variant="subtle" color="red" onClick={() => confirm(row)}>
                    Remove
                  </Button>
                )}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Paper>
  );
}
