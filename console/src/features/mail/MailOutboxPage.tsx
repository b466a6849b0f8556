// Mail outbox: what the service sent or is still trying to send, with a retry for deliveries that gave up.
import { Badge, Button, Group, Paper, SegmentedControl, Table, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api } from '../../api/client';
import { describeError, unwrap } from '../../api/problem';
import { formatDate } from '../../app/format';
import { PageHeader } from '../../app/PageHeader';
import { EmptyState, ErrorState, Loading } from '../../app/states';
import { usePermissions } from '../auth/me';

type Status = 'all' | 'pending' | 'sent' | 'failed';
const COLORS: Record<string, string> = { pending: 'blue', sent: 'green', failed: 'red' };

export function MailOutboxPage() {
  const client = useQueryClient();
  const { can } = usePermissions();
  const [status, setStatus] = useState<Status>('all');
  const query = { limit: 100, ...(status === 'all' ? {} : { status }) };
  const { data, error, refetch } = useQuery({
    queryKey: ['mail-outbox', status],
    queryFn: () => unwrap(api.GET('/api/admin/mail/outbox', { params: { query } })),
    placeholderData: keepPreviousData,
    refetchInterval: 15_000,
  });
  const retry = useMutation({
    mutationFn: (id: string) => unwrap(api.POST('/api/admin/mail/outbox/{id}/retry', { params: { path: { id } } })),
    onSuccess: () => client.invalidateQueries({ queryKey: ['mail-outbox'] }),
    onError: (err) => notifications.show({ color: 'red', title: 'Not queued again', message: describeError(err) }),
  });

  return (
    <>
      <PageHeader title="Mail" description="Invitations, recovery links and notices the service has sent." />
      <SegmentedControl
        aria-label="Delivery status"
        mb="sm"
        value={status}
        onChange={(value) => setStatus(value as Status)}
        data={[
          { value: 'all', label: 'All' },
          { value: 'pending', label: 'Waiting' },
          { value: 'sent', label: 'Sent' },
          { value: 'failed', label: 'Failed' },
        ]}
      />
      {error ? (
        <ErrorState error={error} onRetry={() => refetch()} />
      ) : !data ? (
        <Loading />
      ) : data.items.length === 0 ? (
        <EmptyState title="No messages">Nothing matches this status.</EmptyState>
      ) : (
        <Paper withBorder>
          <Table.ScrollContainer minWidth={720}>
            <Table aria-label="Mail outbox" verticalSpacing="xs">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>To</Table.Th>
                  <Table.Th>Subject</Table.Th>
                  <Table.Th>Status</Table.Th>
                  <Table.Th>Queued</Table.Th>
                  <Table.Th>Attempts</Table.Th>
                  <Table.Th />
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {data.items.map((item) => (
                  <Table.Tr key={item.id}>
                    <Table.Td>{item.to}</Table.Td>
                    <Table.Td>
                      <Text size="sm">{item.subject}</Text>
                      {item.lastError && (
                        <Text size="xs" c="red">
                          {item.lastError}
                        </Text>
                      )}
                    </Table.Td>
                    <Table.Td>
                      <Badge variant="light" color={COLORS[item.status] ?? 'gray'}>
                        {item.status}
                      </Badge>
                    </Table.Td>
                    <Table.Td>{formatDate(item.createdAt)}</Table.Td>
                    <Table.Td>{item.attempts}</Table.Td>
                    <Table.Td>
                      {item.status === 'failed' && can('settings:write') && (
                        <Group justify="flex-end">
                          <Button size="xs" variant="subtle" onClick={() => retry.mutate(item.id)}>
                            Retry
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
    </>
  );
}
