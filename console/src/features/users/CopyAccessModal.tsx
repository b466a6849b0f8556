// Copy roles, groups and organization memberships from another user onto this one.
import { Alert, Button, Group, Modal, Stack, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api } from '../../api/client';
import { describeError, unwrap } from '../../api/problem';
import { UserPicker } from './UserPicker';
import { type User, usersKey } from './users.api';

export function CopyAccessModal({ user, onClose }: { user: User; onClose: () => void }) {
  const client = useQueryClient();
  const [from, setFrom] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);

  const copy = async () => {
    if (!from) return setFailure('Choose the user whose access to copy.');
    setBusy(true);
    setFailure(null);
    try {
      await unwrap(
        api.POST('/api/admin/users/{id}/access/copy', {
          params: { path: { id: user.id } },
          body: { fromUserId: from },
        }),
      );
      await client.invalidateQueries({ queryKey: usersKey });
      notifications.show({
        color: 'green',
        title: 'Access copied',
        message: `${user.username} now has the same access.`,
      });
      onClose();
    } catch (error) {
      setFailure(describeError(error));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal opened onClose={onClose} title={`Copy access to ${user.username}`}>
      <Stack>
        <Text size="sm">
          Roles, groups and organization memberships of the chosen user are added to {user.username}.
        </Text>
        {failure && (
          <Alert color="red" role="alert">
            {failure}
          </Alert>
        )}
        <UserPicker label="Copy from" value={from} onChange={setFrom} exclude={[user.id]} />
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button onClick={copy} loading={busy}>
            Copy access
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
