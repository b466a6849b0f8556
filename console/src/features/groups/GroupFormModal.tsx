// Create or edit a group: name, description, parent and the roles it gives.
import { Alert, Button, Group, Modal, MultiSelect, Select, Stack, Textarea, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api } from '../../api/client';
import { fieldErrors, unwrap } from '../../api/problem';
import { useRoleOptions } from '../roles/roles.api';
import { type GroupItem, groupsKey, useSaveGroup } from './groups.api';

interface GroupFormModalProps {
  group: GroupItem | null;
  groups: GroupItem[];
  onClose: () => void;
}

const roleIdsOf = (group: GroupItem | null): string[] =>
  (group?.roles ?? []).map((role) => (typeof role === 'string' ? role : role.id));

export function GroupFormModal({ group, groups, onClose }: GroupFormModalProps) {
  const client = useQueryClient();
  const save = useSaveGroup();
  const roles = useRoleOptions();
  const [failure, setFailure] = useState<string[]>([]);
  const form = useForm({
    initialValues: {
      name: group?.name ?? '',
      description: group?.description ?? '',
      parentId: (group?.parentId ?? null) as string | null,
      roleIds: roleIdsOf(group),
    },
    validate: { name: (value) => (value.trim() ? null : 'Give the group a name') },
  });

  const submit = form.onSubmit(async ({ roleIds, ...values }) => {
    setFailure([]);
    try {
      const body = {
        name: values.name.trim(),
        description: values.description.trim() || null,
        parentId: values.parentId,
      };
      const saved = await save.mutateAsync({ id: group?.id, body: body as never });
      const changedRoles = roleIds.join() !== roleIdsOf(group).join();
      if (roles && changedRoles) {
        const id = (saved as { id: string }).id;
        await unwrap(api.PUT('/api/admin/groups/{id}/roles', { params: { path: { id } }, body: { roleIds } }));
        await client.invalidateQueries({ queryKey: groupsKey });
      }
      onClose();
    } catch (error) {
      const { fields, rest } = fieldErrors(error, ['name', 'description', 'parentId', 'roleIds']);
      form.setErrors(fields);
      setFailure(rest);
    }
  });

  const parents = groups
    .filter((item) => item.id !== group?.id && !(group && item.path?.startsWith(`${group.path}/`)))
    .map((item) => ({ value: item.id, label: item.path || item.name }));

  return (
    <Modal opened onClose={onClose} title={group ? `Edit ${group.name}` : 'New group'}>
      <form onSubmit={submit} noValidate>
        <Stack>
          {failure.length > 0 && (
            <Alert color="red" role="alert">
              {failure.join(' ')}
            </Alert>
          )}
          <TextInput label="Name" {...form.getInputProps('name')} />
          <Textarea label="Description" autosize minRows={2} {...form.getInputProps('description')} />
          <Select
            label="Parent group"
            placeholder="None (top level)"
            data={parents}
            clearable
            searchable
            {...form.getInputProps('parentId')}
          />
          {roles && (
            <MultiSelect label="Roles given to members" data={roles} searchable {...form.getInputProps('roleIds')} />
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={save.isPending}>
              {group ? 'Save' : 'Create group'}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
