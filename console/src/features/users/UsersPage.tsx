// Users: search as you type, filters, sort, cursor pages and multi-select bulk actions.
import { Button, Group, Menu, Paper, Text } from '@mantine/core';
import { useDebouncedValue, useDisclosure } from '@mantine/hooks';
import { useEffect, useState } from 'react';
import { Link } from 'react-router';
import { PageHeader } from '../../app/PageHeader';
import { ErrorState } from '../../app/states';
import { usePermissions } from '../auth/me';
import { BulkBar } from './BulkBar';
import { ImportModal } from './ImportModal';
import { UsersFilterBar } from './UsersFilterBar';
import { UsersTable } from './UsersTable';
import { type UserFilters, useUsers } from './users.api';

const PAGE_SIZE = 25;

function describeTotal(total: number, exact: boolean): string {
  if (total === 0) return 'No user matches';
  const count = exact ? String(total) : `About ${total}`;
  return `${count} ${total === 1 ? 'user' : 'users'}`;
}

export function UsersPage() {
  const { can, canAny } = usePermissions();
  const [filters, setFilters] = useState<UserFilters>({ sort: '-createdAt' });
  const [debouncedQ] = useDebouncedValue(filters.q ?? '', 250);
  // Cursors of the pages before the current one, so "Previous" needs no server support.
  const [cursors, setCursors] = useState<string[]>([]);
  const cursor = cursors[cursors.length - 1];
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [importing, importer] = useDisclosure();
  const { data, error, isFetching, refetch } = useUsers({ ...filters, q: debouncedQ, cursor, limit: PAGE_SIZE });

  // A new search or filter starts again at the first page with nothing selected.
  // biome-ignore lint/correctness/useExhaustiveDependencies: the reset is the point of these dependencies
  useEffect(() => {
    setCursors([]);
    setSelected(new Set());
  }, [debouncedQ, filters.status, filters.group, filters.role, filters.organization, filters.path, filters.sort]);

  const items = data?.items ?? [];
  const selectedUsers = items.filter((user) => selected.has(user.id));

  return (
    <>
      <PageHeader
        title="Users"
        description={data ? describeTotal(data.total, data.totalExact) : undefined}
        actions={
          <>
            <Menu position="bottom-end">
              <Menu.Target>
                <Button variant="default">Import / export</Button>
              </Menu.Target>
              <Menu.Dropdown>
                {can('users:write') && <Menu.Item onClick={importer.open}>Import from a file…</Menu.Item>}
                <Menu.Item component="a" href="/api/admin/export?format=csv" download="gatehouse-users.csv">
                  Export as CSV
                </Menu.Item>
                <Menu.Item component="a" href="/api/admin/export?format=json" download="gatehouse-users.json">
                  Export as JSON
                </Menu.Item>
              </Menu.Dropdown>
            </Menu>
            {can('users:write') && (
              <Button component={Link} to="/admin/users/new">
                Create user
              </Button>
            )}
          </>
        }
      />
      <UsersFilterBar filters={filters} onChange={setFilters} searching={isFetching} />
      {canAny('users:write', 'users:delete') && selectedUsers.length > 0 && (
        <BulkBar users={selectedUsers} onDone={() => setSelected(new Set())} />
      )}
      {error ? (
        <ErrorState error={error} onRetry={() => refetch()} />
      ) : (
        <Paper withBorder>
          <UsersTable
            users={items}
            loading={!data}
            searching={isFetching}
            selectable={canAny('users:write', 'users:delete')}
            selected={selected}
            onSelect={setSelected}
            filtered={Boolean(debouncedQ || filters.status || filters.group || filters.role || filters.path)}
          />
        </Paper>
      )}
      <Group justify="space-between" mt="sm">
        <Text size="sm" c="dimmed">
          Page {cursors.length + 1}
        </Text>
        <Group gap="xs">
          <Button variant="default" disabled={!cursors.length} onClick={() => setCursors(cursors.slice(0, -1))}>
            Previous
          </Button>
          <Button
            variant="default"
            disabled={!data?.nextCursor}
            onClick={() => data?.nextCursor && setCursors([...cursors, data.nextCursor])}
          >
            Next
          </Button>
        </Group>
      </Group>
      {importing && <ImportModal onClose={importer.close} />}
    </>
  );
}
