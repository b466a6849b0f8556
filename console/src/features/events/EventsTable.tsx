// Audit events as a table; details fold out per row.
import { Anchor, Badge, Code, Table, Text } from '@mantine/core';
import { Link } from 'react-router';
import type { Answer } from '../../api/types';
import { formatDate } from '../../app/format';
import { EmptyState } from '../../app/states';

export type EventRow = Answer<'/api/admin/events', 'get'>['items'][number];

/** `reason: wrong password, attempts: 3`: details as one readable line. */
function describeDetails(details: EventRow['details'] | undefined): string {
  return Object.entries(details ?? {})
    .map(([key, value]) => `${key}: ${typeof value === 'string' ? value : JSON.stringify(value)}`)
    .join(', ');
}

function Actor({ actor }: { actor: EventRow['actor'] }) {
  if (actor.type === 'user' && actor.id) {
    return (
      <Anchor component={Link} to={`/admin/users/${actor.id}`} size="sm">
        {actor.name ?? actor.id}
      </Anchor>
    );
  }
  return <>{actor.name ? `${actor.name} (${actor.type})` : actor.type}</>;
}

function Target({ target }: { target: EventRow['target'] }) {
  if (!target.type) return <>—</>;
  if (target.type === 'user' && target.id) {
    return (
      <Anchor component={Link} to={`/admin/users/${target.id}`} size="sm">
        user
      </Anchor>
    );
  }
  return <>{target.id ? `${target.type} ${target.id.slice(0, 12)}` : target.type}</>;
}

const OUTCOME_COLORS: Record<string, string> = { success: 'green', failure: 'red', denied: 'orange' };

export function EventsTable({ events }: { events: EventRow[] }) {
  if (!events.length) return <EmptyState title="No events">Nothing was recorded for this selection.</EmptyState>;
  return (
    <Table.ScrollContainer minWidth={760}>
      <Table verticalSpacing="xs" aria-label="Audit events">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>When</Table.Th>
            <Table.Th>Action</Table.Th>
            <Table.Th>Outcome</Table.Th>
            <Table.Th>Actor</Table.Th>
            <Table.Th>Target</Table.Th>
            <Table.Th>IP</Table.Th>
            <Table.Th>Details</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {events.map((event) => (
            <Table.Tr key={event.id}>
              <Table.Td>
                <Text size="sm" style={{ whiteSpace: 'nowrap' }}>
                  {formatDate(event.at)}
                </Text>
              </Table.Td>
              <Table.Td>
                <Code>{event.action}</Code>
              </Table.Td>
              <Table.Td>
                <Badge variant="light" color={OUTCOME_COLORS[event.outcome] ?? 'gray'}>
                  {event.outcome}
                </Badge>
              </Table.Td>
              <Table.Td>
                <Actor actor={event.actor} />
              </Table.Td>
              <Table.Td>
                <Target target={event.target} />
              </Table.Td>
              <Table.Td>{event.ip ?? '—'}</Table.Td>
              <Table.Td maw={280}>
                <Text size="xs" lineClamp={2} title={describeDetails(event.details)}>
                  {describeDetails(event.details) || '—'}
                </Text>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
