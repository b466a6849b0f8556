// Organizations the user belongs to, with join and leave when allowed.
import { Anchor, Button, Group, Paper, Select, Stack, Table, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api } from '../../../api/client';
import { describeError, unwrap } from '../../../api/problem';
import { usePermissions } from '../../auth/me';
import { useOrganizationOptions } from '../../organizations/organizations.api';
import type { User } from '../users.api';

export function OrganizationsTab({ user }: { user: User }) {
  const client = useQueryClient();
  const { can } = usePermissions();
  const options = useOrganizationOptions();
  const [adding, setAdding] = useState<string | null>(null);
  const editable = can('organizations:write');

  const change = async (organizationId: string, add: boolean) => {
    try {
      const path = { id: organizationId };
      if (add)
        await unwrap(
          api.POST('/api/admin/organizations/{id}/members', { params: { path }, body: { userId: user.id } }),
        );
      else
        await unwrap(
          api.DELETE('/api/admin/organizations/{id}/members/{userId}', {
            params: { path: { ...path, userId: user.id } },
          }),
        );
      setAdding(null);
      await client.invalidateQueries({ queryKey: ['users'] });
      await client.invalidateQueries({ queryKey: ['organizations'] });
    } catch (error) {
      notifications.show({ color: 'red', title: 'Membership not changed', message: describeError(error) });
    }
  };

  const available = (options ?? []).filter((option) => !user.organizations.some((org) => org.id === option.value));
  return (
    <Paper withBorder p="md">
      <Stack>
        {user.organizations.length === 0 ? (
          <Text size="sm" c="dimmed">
            Not a member of any organization.
          </Text>
        ) : (
          <Table aria-label="Organizations">
            <Table.Tbody>
              {user.organizations.map((org) => (
                <Table.Tr key={org.id}>
                  <Table.Td>
                    <Anchor href={`/admin/organizations?id=${org.id}`}>{org.name}</Anchor>
                  </Table.Td>
                  <Table.Td w={100}>
                    {editable && (
                      <Button size="xs" variant="subtle" color="red" onClick={() => change(org.id, false)}>
                        Remove
                      </Button>
                    )}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
        {editable && options && (
          <Group align="flex-end">
            <Select
              label="Add to organization"
              data={available}
              value={adding}
              onChange={setAdding}
              searchable
              flex={1}
            />
            <Button disabled={!adding} onClick={() => adding && change(adding, true)}>
              Add
            </Button>
          </Group>
        )}
      </Stack>
    </Paper>
  );
}
