// The user's audit trail: what was done by it and to it.
import { Paper } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { api } from '../../../api/client';
import { unwrap } from '../../../api/problem';
import { ErrorState, Loading } from '../../../app/states';
import { EventsTable } from '../../events/EventsTable';

export function EventsTab({ userId }: { userId: string }) {
  const { data, error, refetch } = useQuery({
    queryKey: ['users', 'one', userId, 'events'],
    queryFn: () => unwrap(api.GET('/api/admin/users/{id}/events', { params: { path: { id: userId } } })),
  });
  if (error) return <ErrorState error={error} onRetry={() => refetch()} />;
  if (!data) return <Loading />;
  return (
    <Paper withBorder>
      <EventsTable events={data.items} />
    </Paper>
  );
}
