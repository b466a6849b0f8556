// Groups as a tree (parents above children), with create, edit and delete when allowed.
import { Badge, Button, Group, Paper, Stack, Text, UnstyledButton } from '@mantine/core';
import { modals } from '@mantine/modals';
import { notifications } from '@mantine/notifications';
import { useState } from 'react';
import { describeError } from '../../api/problem';
import { PageHeader } from '../../app/PageHeader';
import { EmptyState, ErrorState, Loading } from '../../app/states';
import { usePermissions } from '../auth/me';
import { GroupFormModal } from './GroupFormModal';
import { buildTree, type GroupItem, type GroupNode, useDeleteGroup, useGroups } from './groups.api';

export function GroupsPage() {
  const { can } = usePermissions();
  const { data, error, refetch } = useGroups();
  const remove = useDeleteGroup();
  const [editing, setEditing] = useState<GroupItem | 'new' | null>(null);
  if (error) return <ErrorState error={error} onRetry={() => refetch()} />;
  if (!data) return <Loading />;
  const tree = buildTree(data.items);
  const editable = can('groups:write');

  const confirmDelete = (group: GroupItem) =>
    modals.openConfirmModal({
      title: `Delete ${group.name}?`,
      children: `Its ${group.memberCount} members lose the roles the group gave them. Subgroups move up one level.`,
      labels: { confirm: 'Delete group', cancel: 'Cancel' },
      confirmProps: { color: 'red' },
      onConfirm: () =>
        remove
          .mutateAsync(group.id)
          .catch((err: unknown) =>
            notifications.show({ color: 'red', title: 'Not deleted', message: describeError(err) }),
          ),
    });

  const renderNode = (node: GroupNode, depth: number) => (
    <Stack gap={0} key={node.group.id}>
      <Group
        justify="space-between"
        py={6}
        pl={depth * 24}
        pr="xs"
        wrap="nowrap"
        role="treeitem"
        aria-level={depth + 1}
      >
        <UnstyledButton onClick={() => editable && setEditing(node.group)} disabled={!editable}>
          <Text fw={500} size="sm">
            {depth > 0 ? '└ ' : ''}
            {node.group.name}
          </Text>
          {node.group.description && (
            <Text size="xs" c="dimmed">
              {node.group.description}
            </Text>
          )}
        </UnstyledButton>
        <Group gap="xs" wrap="nowrap">
          {node.group.roles?.map((role) => (
            <Badge key={typeof role === 'string' ? role : role.id} size="sm" variant="outline">
              {typeof role === 'string' ? role : role.name}
            </Badge>
          ))}
          <Badge variant="light">{node.group.memberCount} members</Badge>
          {editable && (
            <Button size="xs" variant="subtle" color="red" onClick={() => confirmDelete(node.group)}>
              Delete
            </Button>
          )}
        </Group>
      </Group>
      {node.children.map((child) => renderNode(child, depth + 1))}
    </Stack>
  );

  return (
    <>
      <PageHeader
        title="Groups"
        description="Members of a group receive its roles, and those of every group above it."
        actions={editable && <Button onClick={() => setEditing('new')}>New group</Button>}
      />
      {tree.length === 0 ? (
        <EmptyState title="No groups yet">Groups give roles to many people at once.</EmptyState>
      ) : (
        <Paper withBorder p="xs" role="tree" aria-label="Groups">
          {tree.map((node) => renderNode(node, 0))}
        </Paper>
      )}
      {editing && (
        <GroupFormModal
          group={editing === 'new' ? null : editing}
          groups={data.items}
          onClose={() => setEditing(null)}
        />
      )}
    </>
  );
}
