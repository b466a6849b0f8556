// Bulk actions on the selected users, each behind a confirmation that names the users and what they lose.
import { Alert, Button, Group, List, Paper, Stack, Text } from '@mantine/core';
import { modals } from '@mantine/modals';
import { notifications } from '@mantine/notifications';
import { describeError } from '../../api/problem';
import { usePermissions } from '../auth/me';
import { type BulkAction, type UserListItem, useBulkUsers } from './users.api';

const CONSEQUENCES: Record<BulkAction, string> = {
  delete:
    'Their accounts, sessions, API keys, authenticators and memberships are removed for good. The audit log keeps what they did. This cannot be undone.',
  disable: 'They are signed out everywhere and their API keys stop working until they are enabled again.',
  enable: 'They can sign in again with their current password.',
};

const VERBS: Record<BulkAction, string> = { delete: 'Delete', disable: 'Disable', enable: 'Enable' };

export function BulkBar({ users, onDone }: { users: UserListItem[]; onDone: () => void }) {
  const { can } = usePermissions();
  const bulk = useBulkUsers();

  const run = async (action: BulkAction) => {
    try {
      const { results } = await bulk.mutateAsync({ action, ids: users.map((user) => user.id) });
      const failed = results.filter((result) => !result.ok);
      const done = results.length - failed.length;
      notifications.show({
        color: failed.length ? 'yellow' : 'green',
        title: `${VERBS[action]}: ${done} of ${results.length} done`,
        message: failed.length ? `${failed.length} could not be changed (${failed[0]?.code ?? 'refused'}).` : 'Done.',
      });
      onDone();
    } catch (error) {
      notifications.show({ color: 'red', title: `${VERBS[action]} failed`, message: describeError(error) });
    }
  };

  const confirm = (action: BulkAction) =>
    modals.openConfirmModal({
      title: `${VERBS[action]} ${users.length} ${users.length === 1 ? 'user' : 'users'}?`,
      children: (
        <Stack gap="xs">
          <List size="sm" spacing={2}>
            {users.slice(0, 10).map((user) => (
              <List.Item key={user.id}>
                {user.displayName ? `${user.displayName} (${user.username})` : user.username}
              </List.Item>
            ))}
            {users.length > 10 && <List.Item>and {users.length - 10} more</List.Item>}
          </List>
          <Alert color={action === 'delete' ? 'red' : 'gray'} p="xs">
            <Text size="sm">{CONSEQUENCES[action]}</Text>
          </Alert>
        </Stack>
      ),
      labels: { confirm: `${VERBS[action]} ${users.length}`, cancel: 'Cancel' },
      confirmProps: { color: action === 'delete' ? 'red' : undefined },
      onConfirm: () => run(action),
    });

  return (
    <Paper withBorder p="xs" mb="sm" bg="var(--mantine-color-indigo-light)">
      <Group justify="space-between" gap="xs">
        <Text size="sm" fw={500}>
          {users.length} selected
        </Text>
        <Group gap="xs">
          {can('users:write') && (
            <>
              <Button size="xs" variant="default" onClick={() => confirm('disable')} loading={bulk.isPending}>
                Disable
              </Button>
              <Button size="xs" variant="default" onClick={() => confirm('enable')} loading={bulk.isPending}>
                Enable
              </Button>
            </>
          )}
          {can('users:delete') && (
            <Button size="xs" color="red" onClick={() => confirm('delete')} loading={bulk.isPending}>
              Delete
            </Button>
          )}
        </Group>
      </Group>
    </Paper>
  );
}
