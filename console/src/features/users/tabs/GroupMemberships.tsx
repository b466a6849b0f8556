// The user's groups, with add and remove when allowed.
import { Badge, Button, CloseButton, Group, Paper, Select, Stack, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api } from '../../../api/client';
import { describeError, unwrap } from '../../../api/problem';
import { usePermissions } from '../../auth/me';
import type { User } from '../users.api';

interface GroupMembershipsProps {
  user: User;
  options: Array<{ value: string; label: string }> | null;
}

export function GroupMemberships({ user, options }: GroupMembershipsProps) {
  const client = useQueryClient();
  const { can } = usePermissions();
  const [adding, setAdding] = useState<string | null>(null);
  const editable = can('groups:write');

  const change = async (groupId: string, add: boolean) => {
    try {
      if (add) {
        await unwrap(
          api.POST('/api/admin/groups/{id}/members', { params: { path: { id: groupId } }, body: { userId: user.id } }),
        );
      } else {
        await unwrap(
          api.DELETE('/api/admin/groups/{id}/members/{userId}', { params: { path: { id: groupId, userId: user.id } } }),
        );
      }
      setAdding(null);
      await client.invalidateQueries({ queryKey: ['users'] });
      await client.invalidateQueries({ queryKey: ['groups'] });
    } catch (error) {
      notifications.show({ color: 'red', title: 'Membership not changed', message: describeError(error) });
    }
  };

  const available = (options ?? []).filter((option) => !user.groups.some((group) => group.id === option.value));
  return (
    <Paper withBorder p="md">
      <Title order={2} size="h4" mb="sm">
        Groups
      </Title>
      <Stack gap="sm">
        {user.groups.length === 0 ? (
          <Text size="sm" c="dimmed">
            Not a member of any group.
          </Text>
        ) : (
          <Group gap="xs">
            {user.groups.map((group) => (
              <Badge
                key={group.id}
                variant="light"
                rightSection={
                  editable && (
                    <CloseButton
                      size="xs"
                      aria-label={`Remove from ${group.name}`}
                      onClick={() => change(group.id, false)}
                    />
                  )
                }
              >
                {group.name}
              </Badge>
            ))}
          </Group>
        )}
        {editable && options && (
          <Group align="flex-end">
            <Select label="Add to group" data={available} value={adding} onChange={setAdding} searchable flex={1} />
            <Button disabled={!adding} onClick={() => adding && change(adding, true)}>
              Add
            </Button>
          </Group>
        )}
      </Stack>
    </Paper>
  );
}
