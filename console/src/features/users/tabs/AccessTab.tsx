// Groups & roles: the roles held directly, group memberships, and where each effective permission comes from.
import { Badge, Button, Group, MultiSelect, Paper, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api } from '../../../api/client';
import { describeError, unwrap } from '../../../api/problem';
import type { Answer } from '../../../api/types';
import { Loading } from '../../../app/states';
import { usePermissions } from '../../auth/me';
import { useGroupOptions } from '../../groups/groups.api';
import { useRoleOptions } from '../../roles/roles.api';
import type { User } from '../users.api';
import { GroupMemberships } from './GroupMemberships';

type Grant = Answer<'/api/admin/users/{id}/permissions', 'get'>['items'][number]['grants'][number];

/** "role Editor, held directly", "role Editor through group staff/it", "role Editor in organization …". */
function explain(grant: Grant, organizations: Map<string, string>): string {
  if (grant.via === 'group') return `${grant.role} through group ${grant.groupPath ?? ''}`.trim();
  if (grant.via === 'organization') {
    const name = grant.organizationId ? (organizations.get(grant.organizationId) ?? grant.organizationId) : '';
    return `${grant.role} in organization ${name}`.trim();
  }
  return `${grant.role}, held directly`;
}

export function AccessTab({ user }: { user: User }) {
  const client = useQueryClient();
  const { can } = usePermissions();
  const roleOptions = useRoleOptions();
  const groupOptions = useGroupOptions();
  const [roleIds, setRoleIds] = useState<string[]>(user.roles.map((role) => role.id));
  const [saving, setSaving] = useState(false);
  const permissions = useQuery({
    queryKey: ['users', 'one', user.id, 'permissions'],
    queryFn: () => unwrap(api.GET('/api/admin/users/{id}/permissions', { params: { path: { id: user.id } } })),
  });

  const saveRoles = async () => {
    setSaving(true);
    try {
      await unwrap(api.PUT('/api/admin/users/{id}/roles', { params: { path: { id: user.id } }, body: { roleIds } }));
      await client.invalidateQueries({ queryKey: ['users'] });
      notifications.show({ color: 'green', title: 'Roles saved', message: '' });
    } catch (error) {
      notifications.show({ color: 'red', title: 'Roles not saved', message: describeError(error) });
    } finally {
      setSaving(false);
    }
  };

  const grantList = permissions.data?.items ?? [];
  const organizations = new Map(user.organizations.map((org) => [org.id, org.name]));

  return (
    <SimpleGrid cols={{ base: 1, md: 2 }}>
      <Stack>
        <Paper withBorder p="md">
          <Title order={2} size="h4" mb="sm">
            Roles held directly
          </Title>
          {roleOptions && can('roles:read') ? (
            <Group align="flex-end">
              <MultiSelect
                label="Roles"
                data={roleOptions}
                value={roleIds}
                onChange={setRoleIds}
                disabled={!can('users:write')}
                searchable
                flex={1}
              />
              {can('users:write') && (
                <Button onClick={saveRoles} loading={saving}>
                  Save roles
                </Button>
              )}
            </Group>
          ) : (
            <Group gap={4}>
              {user.roles.map((role) => (
                <Badge key={role.id}>{role.name}</Badge>
              ))}
            </Group>
          )}
        </Paper>
        <GroupMemberships user={user} options={groupOptions} />
      </Stack>
      <Paper withBorder p="md">
        <Title order={2} size="h4" mb="sm">
          Effective permissions
        </Title>
        {permissions.isPending ? (
          <Loading />
        ) : grantList.length === 0 ? (
          <Text size="sm" c="dimmed">
            No administrative permission: this user can manage only its own account.
          </Text>
        ) : (
          <Table aria-label="Effective permissions">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Permission</Table.Th>
                <Table.Th>Granted by</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {grantList.map((grant) => (
                <Table.Tr key={grant.permission}>
                  <Table.Td>
                    <Badge variant="outline">{grant.permission}</Badge>
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm">{grant.grants.map((item) => explain(item, organizations)).join('; ') || '—'}</Text>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
      </Paper>
    </SimpleGrid>
  );
}
