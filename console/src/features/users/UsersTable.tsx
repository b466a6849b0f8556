// The users table: one row per user, a checkbox per row for bulk actions, the name links to the detail page.
import { Anchor, Checkbox, Skeleton, Table, Text } from '@mantine/core';
import { Link } from 'react-router';
import { formatDate } from '../../app/format';
import { EmptyState } from '../../app/states';
import { StatusBadge } from './StatusBadge';
import type { UserListItem } from './users.api';

interface UsersTableProps {
  users: UserListItem[];
  loading: boolean;
  searching: boolean;
  selectable: boolean;
  selected: Set<string>;
  onSelect: (selected: Set<string>) => void;
  filtered: boolean;
}

export function UsersTable({ users, loading, searching, selectable, selected, onSelect, filtered }: UsersTableProps) {
  if (loading) return <Skeleton h={200} />;
  if (!users.length) {
    return filtered ? (
      <EmptyState title="No user matches">Try fewer words or clear a filter.</EmptyState>
    ) : (
      <EmptyState title="No users yet">Create the first one, or invite people by email.</EmptyState>
    );
  }
  const allSelected = users.every((user) => selected.has(user.id));
  const toggle = (id: string) => {
    const next = new Set(selected);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    onSelect(next);
  };

  return (
    <Table.ScrollContainer minWidth={720}>
      <Table highlightOnHover verticalSpacing="xs" aria-busy={searching} aria-label="Users">
        <Table.Thead>
          <Table.Tr>
            {selectable && (
              <Table.Th w={40}>
                <Checkbox
                  aria-label="Select all users on this page"
                  checked={allSelected}
                  indeterminate={!allSelected && users.some((user) => selected.has(user.id))}
                  onChange={() => onSelect(allSelected ? new Set() : new Set(users.map((user) => user.id)))}
                />
              </Table.Th>
            )}
            <Table.Th>User</Table.Th>
            <Table.Th>Email</Table.Th>
            <Table.Th>Status</Table.Th>
            <Table.Th>Folder</Table.Th>
            <Table.Th>Last sign-in</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {users.map((user) => (
            <Table.Tr key={user.id} data-username={user.username}>
              {selectable && (
                <Table.Td>
                  <Checkbox
                    aria-label={`Select ${user.username}`}
                    checked={selected.has(user.id)}
                    onChange={() => toggle(user.id)}
                  />
                </Table.Td>
              )}
              <Table.Td>
                <Anchor component={Link} to={`/admin/users/${user.id}`} fw={500}>
                  {user.displayName || user.username}
                </Anchor>
                {user.displayName && (
                  <Text size="xs" c="dimmed">
                    {user.username}
                  </Text>
                )}
              </Table.Td>
              <Table.Td>{user.email ?? '—'}</Table.Td>
              <Table.Td>
                <StatusBadge status={user.status} />
              </Table.Td>
              <Table.Td>{user.path}</Table.Td>
              <Table.Td>{user.lastLoginAt ? formatDate(user.lastLoginAt) : 'Never'}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
