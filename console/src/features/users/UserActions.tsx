// Actions on one user, each offered only with the permission it needs.
import { Button, Group, Menu } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { modals } from '@mantine/modals';
import { notifications } from '@mantine/notifications';
import { useNavigate } from 'react-router';
import { api } from '../../api/client';
import { describeError, unwrap } from '../../api/problem';
import { usePermissions } from '../auth/me';
import { CopyAccessModal } from './CopyAccessModal';
import { EditUserDrawer } from './EditUserDrawer';
import { RecoveryLink } from './RecoveryLink';
import { ResetPasswordModal } from './ResetPasswordModal';
import { type User, useDeleteUser, useSetStatus } from './users.api';

const fail = (title: string) => (error: unknown) =>
  notifications.show({ color: 'red', title, message: describeError(error) });

export function UserActions({ user }: { user: User }) {
  const { can } = usePermissions();
  const navigate = useNavigate();
  const status = useSetStatus(user.id);
  const remove = useDeleteUser();
  const [editing, edit] = useDisclosure();
  const [resetting, reset] = useDisclosure();
  const [copying, copy] = useDisclosure();
  const name = user.displayName || user.username;

  const recoveryLink = async (send: boolean) => {
    try {
      const answer = await unwrap(
        api.POST('/api/admin/users/{id}/recovery-link', { params: { path: { id: user.id } }, body: { send } }),
      );
      if (send) {
        notifications.show({ color: 'green', title: 'Recovery link sent', message: `Mailed to ${user.email}.` });
      } else {
        modals.open({
          title: 'Recovery link',
          children: <RecoveryLink url={answer.url} expiresAt={answer.expiresAt} />,
        });
      }
    } catch (error) {
      fail('No recovery link')(error);
    }
  };

  const toggleStatus = () => {
    const action = user.status === 'disabled' ? 'enable' : 'disable';
    const run = () =>
      status
        .mutateAsync(action)
        .then(() => notifications.show({ color: 'green', title: `${name} ${action}d`, message: '' }))
        .catch(fail(`Could not ${action} ${name}`));
    if (action === 'enable') return run();
    modals.openConfirmModal({
      title: `Disable ${name}?`,
      children: 'They are signed out everywhere and their API keys stop working until you enable them again.',
      labels: { confirm: 'Disable', cancel: 'Cancel' },
      onConfirm: run,
    });
  };

  const confirmDelete = () =>
    modals.openConfirmModal({
      title: `Delete ${name}?`,
      children: `The account, its ${user.stats.sessions} sessions, ${user.stats.apiKeys} API keys, its authenticators and its ${user.stats.groups} group memberships are removed for good. This cannot be undone.`,
      labels: { confirm: 'Delete user', cancel: 'Cancel' },
      confirmProps: { color: 'red' },
      onConfirm: () =>
        remove
          .mutateAsync(user.id)
          .then(() => navigate('/admin/users'))
          .catch(fail('The user was not deleted')),
    });

  const canWrite = can('users:write');
  return (
    <Group gap="xs">
      {canWrite && (
        <Button variant="default" onClick={edit.open}>
          Edit
        </Button>
      )}
      {canWrite && user.status !== 'invited' && (
        <Button variant="default" onClick={toggleStatus} loading={status.isPending}>
          {user.status === 'disabled' ? 'Enable' : 'Disable'}
        </Button>
      )}
      {(canWrite || can('users:delete')) && (
        <Menu position="bottom-end">
          <Menu.Target>
            <Button variant="default">More actions</Button>
          </Menu.Target>
          <Menu.Dropdown>
            {canWrite && <Menu.Item onClick={reset.open}>Reset password</Menu.Item>}
            {canWrite && <Menu.Item onClick={() => recoveryLink(false)}>Copy recovery link</Menu.Item>}
            {canWrite && user.email && <Menu.Item onClick={() => recoveryLink(true)}>Email recovery link</Menu.Item>}
            {canWrite && <Menu.Item onClick={copy.open}>Copy access from…</Menu.Item>}
            {can('users:delete') && (
              <>
                <Menu.Divider />
                <Menu.Item color="red" onClick={confirmDelete}>
                  Delete user
                </Menu.Item>
              </>
            )}
          </Menu.Dropdown>
        </Menu>
      )}
      {editing && <EditUserDrawer user={user} onClose={edit.close} />}
      <ResetPasswordModal user={user} opened={resetting} onClose={reset.close} />
      {copying && <CopyAccessModal user={user} onClose={copy.close} />}
    </Group>
  );
}
