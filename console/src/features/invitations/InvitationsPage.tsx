// Invitations: invite up to 10 addresses at once, see their status, resend or revoke pending ones.
import { Badge, Button, Group, Paper, Table } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../api/client';
import { describeError, unwrap } from '../../api/problem';
import { formatDate } from '../../app/format';
import { PageHeader } from '../../app/PageHeader';
import { EmptyState, ErrorState, Loading } from '../../app/states';
import { InviteModal } from './InviteModal';

export const invitationsKey = ['invitations'] as const;

interface InvitationRow {
  id: string;
  email: string;
  status: string;
  expiresAt: string;
  roles?: Array<{ name: string } | string>;
}

const COLORS: Record<string, string> = { pending: 'blue', accepted: 'green', expired: 'gray', revoked: 'red' };

export function InvitationsPage() {
  const client = useQueryClient();
  const [inviting, invite] = useDisclosure();
  const { data, error, refetch } = useQuery({
    queryKey: invitationsKey,
    queryFn: () => unwrap(api.GET('/api/admin/invitations', { params: { query: { limit: 200 } as never } })),
  });
  const act = useMutation({
    mutationFn: ({ id, action }: { id: string; action: 'resend' | 'revoke' }) =>
      action === 'resend'
        ? unwrap(api.POST('/api/admin/invitations/{id}/resend', { params: { path: { id } } }))
        : unwrap(api.DELETE('/api/admin/invitations/{id}', { params: { path: { id } } })),
    onSuccess: (_answer, { action }) => {
      notifications.show({
        color: 'green',
        title: action === 'resend' ? 'Invitation sent again' : 'Invitation revoked',
        message: '',
      });
      return client.invalidateQueries({ queryKey: invitationsKey });
    },
    onError: (err) => notifications.show({ color: 'red', title: 'Nothing changed', message: describeError(err) }),
  });
  const rows = ((data as { items?: InvitationRow[] } | undefined)?.items ?? []) as InvitationRow[];

  return (
    <>
      <PageHeader
        title="Invitations"
        description="People you invite get an email link to create their account."
        actions={<Button onClick={invite.open}>Invite people</Button>}
      />
      {error ? (
        <ErrorState error={error} onRetry={() => refetch()} />
      ) : !data ? (
        <Loading />
      ) : rows.length === 0 ? (
        <EmptyState title="No invitations yet">Invite up to ten addresses at a time.</EmptyState>
      ) : (
        <Paper withBorder>
          <Table.ScrollContainer minWidth={600}>
            <Table aria-label="Invitations" verticalSpacing="xs">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Email</Table.Th>
                  <Table.Th>Status</Table.Th>
                  <Table.Th>Roles</Table.Th>
                  <Table.Th>Expires</Table.Th>
                  <Table.Th />
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {rows.map((row) => (
                  <Table.Tr key={row.id}>
                    <Table.Td>{row.email}</Table.Td>
                    <Table.Td>
                      <Badge variant="light" color={COLORS[row.status] ?? 'gray'}>
                        {row.status}
                      </Badge>
                    </Table.Td>
                    <Table.Td>
                      {(row.roles ?? []).map((role) => (typeof role === 'string' ? role : role.name)).join(', ') || '—'}
                    </Table.Td>
                    <Table.Td>{formatDate(row.expiresAt)}</Table.Td>
                    <Table.Td>
                      {row.status === 'pending' && (
                        <Group gap={4} wrap="nowrap">
                          <Button
                            size="xs"
                            variant="subtle"
                            onClick={() => act.mutate({ id: row.id, action: 'resend' })}
                          >
                            Resend
                          </Button>
                          <Button
                            size="xs"
                            variant="subtle"
                            color="red"
                            onClick={() => act.mutate({ id: row.id, action: 'revoke' })}
                          >
                            Revoke
                          </Button>
                        </Group>
                      )}
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        </Paper>
      )}
      <InviteModal opened={inviting} onClose={invite.close} />
    </>
  );
}
