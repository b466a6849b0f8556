// API keys as a table (the secret is never listed: only its prefix), with a revoke button per row.
import { Badge, Button, Code, Group, Table, Text } from '@mantine/core';
import { formatDate } from '../../app/format';
import { EmptyState } from '../../app/states';

export interface ApiKeyRow {
  id: string;
  name: string;
  prefix: string;
  permissions: string[];
  createdAt: string;
  lastUsedAt: string | null;
  expiresAt: string | null;
}

export function ApiKeysTable({ keys, onRevoke }: { keys: ApiKeyRow[]; onRevoke?: (key: ApiKeyRow) => void }) {
  if (!keys.length) return <EmptyState title="No API keys">Create one to call the API from a script.</EmptyState>;
  return (
    <Table.ScrollContainer minWidth={640}>
      <Table verticalSpacing="xs" aria-label="API keys">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Name</Table.Th>
            <Table.Th>Key</Table.Th>
            <Table.Th>Permissions</Table.Th>
            <Table.Th>Created</Table.Th>
            <Table.Th>Last used</Table.Th>
            <Table.Th>Expires</Table.Th>
            {onRevoke && <Table.Th />}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {keys.map((key) => (
            <Table.Tr key={key.id}>
              <Table.Td fw={500}>{key.name}</Table.Td>
              <Table.Td>
                <Code>{key.prefix}…</Code>
              </Table.Td>
              <Table.Td>
                {key.permissions.length ? (
                  <Group gap={4}>
                    {key.permissions.map((permission) => (
                      <Badge key={permission} size="xs" variant="outline">
                        {permission}
                      </Badge>
                    ))}
                  </Group>
                ) : (
                  <Text size="sm" c="dimmed">
                    Same as owner
                  </Text>
                )}
              </Table.Td>
              <Table.Td>{formatDate(key.createdAt)}</Table.Td>
              <Table.Td>{key.lastUsedAt ? formatDate(key.lastUsedAt) : 'Never'}</Table.Td>
              <Table.Td>{key.expiresAt ? formatDate(key.expiresAt) : 'Never'}</Table.Td>
              {onRevoke && (
                <Table.Td>
                  <Button size="xs" variant="subtle" color="red" onClick={() => onRevoke(key)}>
                    Revoke
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
