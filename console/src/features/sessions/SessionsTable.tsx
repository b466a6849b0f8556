// A table of sessions with a per-row "Sign out" and the current one marked; used by three pages.
import { Badge, Button, Table, Text } from '@mantine/core';
import { formatDate, relativeTime } from '../../app/format';
import { EmptyState } from '../../app/states';

export interface SessionRow {
  id: string;
  userId: string;
  createdAt: string;
  lastSeenAt: string;
  expiresAt: string;
  ip: string | null;
  userAgent: string | null;
  current: boolean;
  /** Present in the admin monitor. */
  username?: string;
}

interface SessionsTableProps {
  sessions: SessionRow[];
  onRevoke?: (session: SessionRow) => void;
  showUser?: (session: SessionRow) => React.ReactNode;
}

/** "Chrome on Linux" from a user agent string, good enough to recognise one's own devices. */
export function describeAgent(agent: string | null): string {
  if (!agent) return 'Unknown device';
  const browser = /Edg\//.test(agent)
    ? 'Edge'
    : /Firefox\//.test(agent)
      ? 'Firefox'
      : /Chrom(e|ium)\//.test(agent)
        ? 'Chrome'
        : /Safari\//.test(agent)
          ? 'Safari'
          : agent.split(/[ /]/)[0];
  const os = /Windows/.test(agent)
    ? 'Windows'
    : /Android/.test(agent)
      ? 'Android'
      : /iPhone|iPad/.test(agent)
        ? 'iOS'
        : /Mac OS/.test(agent)
          ? 'macOS'
          : /Linux/.test(agent)
            ? 'Linux'
            : null;
  return os ? `${browser} on ${os}` : String(browser);
}

export function SessionsTable({ sessions, onRevoke, showUser }: SessionsTableProps) {
  if (!sessions.length) return <EmptyState title="No active sessions" />;
  return (
    <Table.ScrollContainer minWidth={640}>
      <Table verticalSpacing="xs" aria-label="Sessions">
        <Table.Thead>
          <Table.Tr>
            {showUser && <Table.Th>User</Table.Th>}
            <Table.Th>Device</Table.Th>
            <Table.Th>IP address</Table.Th>
            <Table.Th>Signed in</Table.Th>
            <Table.Th>Last active</Table.Th>
            <Table.Th>Expires</Table.Th>
            {onRevoke && <Table.Th />}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {sessions.map((session) => (
            <Table.Tr key={session.id}>
              {showUser && <Table.Td>{showUser(session)}</Table.Td>}
              <Table.Td>
                <Text size="sm" title={session.userAgent ?? undefined}>
                  {describeAgent(session.userAgent)}{' '}
                  {session.current && (
                    <Badge size="xs" variant="light" color="green">
                      This device
                    </Badge>
                  )}
                </Text>
              </Table.Td>
              <Table.Td>{session.ip ?? '—'}</Table.Td>
              <Table.Td>{formatDate(session.createdAt)}</Table.Td>
              <Table.Td>{relativeTime(session.lastSeenAt)}</Table.Td>
              <Table.Td>{formatDate(session.expiresAt)}</Table.Td>
              {onRevoke && (
                <Table.Td>
                  <Button size="xs" variant="subtle" color="red" onClick={() => onRevoke(session)}>
                    Sign out
                  </Button>
                </Table.Td>
              )}
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
