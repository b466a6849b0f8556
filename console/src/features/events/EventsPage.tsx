// Audit log: every recorded action, filtered by text, action, outcome and dates, newest first, in cursor pages.
import { Anchor, Button, Group, Paper, Select, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { api } from '../../api/client';
import { unwrap } from '../../api/problem';
import { PageHeader } from '../../app/PageHeader';
import { ErrorState, Loading } from '../../app/states';
import { EventsTable } from './EventsTable';

type Outcome = 'success' | 'failure' | 'denied';

/** A `YYYY-MM-DD` from a date input as the start (or the end) of that day in UTC. */
function dayBound(day: string, end: boolean): string | undefined {
  return day ? `${day}T${end ? '23:59:59.999' : '00:00:00.000'}Z` : undefined;
}

export function EventsPage() {
  const [q, setQ] = useState('');
  const [action, setAction] = useState('');
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [cursors, setCursors] = useState<string[]>([]);
  const [debouncedQ] = useDebouncedValue(q, 300);
  const [debouncedAction] = useDebouncedValue(action, 300);
  const filters = {
    ...(debouncedQ ? { q: debouncedQ } : {}),
    ...(debouncedAction ? { action: debouncedAction } : {}),
    ...(outcome ? { outcome } : {}),
    ...(from ? { from: dayBound(from, false) } : {}),
    ...(to ? { to: dayBound(to, true) } : {}),
  };
  const query = { ...filters, limit: 50, ...(cursors.length ? { cursor: cursors[cursors.length - 1] } : {}) };
  const { data, error, refetch } = useQuery({
    queryKey: ['events', query],
    queryFn: () => unwrap(api.GET('/api/admin/events', { params: { query } })),
    placeholderData: keepPreviousData,
  });
  const restart =
    <T,>(set: (value: T) => void) =>
    (value: T) => {
      set(value);
      setCursors([]);
    };
  const exportUrl = `/api/admin/events/export?${new URLSearchParams({ ...filters, format: 'csv' } as Record<string, string>)}`;

  return (
    <>
      <PageHeader
        title="Audit log"
        description={
          data
            ? `${data.totalExact ? '' : 'About '}${data.total} ${data.total === 1 ? 'event' : 'events'}`
            : 'Who did what, when, and whether it was allowed.'
        }
        actions={
          <Anchor href={exportUrl} download="gatehouse-events.csv">
            Download as CSV
          </Anchor>
        }
      />
      <Group mb="sm" align="flex-end" wrap="wrap">
        <TextInput
          label="Search"
          placeholder="Actor, target or detail"
          type="search"
          value={q}
          onChange={(event) => restart(setQ)(event.currentTarget.value)}
          w={{ base: '100%', sm: 240 }}
        />
        <TextInput
          label="Action"
          placeholder="user.disable"
          value={action}
          onChange={(event) => restart(setAction)(event.currentTarget.value)}
          w={{ base: '47%', sm: 170 }}
        />
        <Select
          label="Outcome"
          placeholder="Any"
          clearable
          data={['success', 'failure', 'denied']}
          value={outcome}
          onChange={(value) => restart(setOutcome)(value as Outcome | null)}
          w={{ base: '47%', sm: 140 }}
        />
        <TextInput
          label="From"
          type="date"
          value={from}
          onChange={(e) => restart(setFrom)(e.currentTarget.value)}
          w={160}
        />
        <TextInput label="To" type="date" value={to} onChange={(e) => restart(setTo)(e.currentTarget.value)} w={160} />
      </Group>
      {error ? (
        <ErrorState error={error} onRetry={() => refetch()} />
      ) : !data ? (
        <Loading />
      ) : (
        <Paper withBorder>
          <EventsTable events={data.items} />
        </Paper>
      )}
      <Group justify="flex-end" mt="sm">
        <Button variant="default" disabled={!cursors.length} onClick={() => setCursors(cursors.slice(0, -1))}>
          Newer
        </Button>
        <Button
          variant="default"
          disabled={!data?.nextCursor}
          onClick={() => data?.nextCursor && setCursors([...cursors, data.nextCursor])}
        >
          Older
        </Button>
      </Group>
    </>
  );
}
