// Roles: each with its permission checklist; built-in roles are shown but not edited.
import {
  Accordion,
  Alert,
  Badge,
  Button,
  Checkbox,
  Group,
  Paper,
  SimpleGrid,
  Stack,
  Text,
  TextInput,
} from '@mantine/core';
import { useForm } from '@mantine/form';
import { modals } from '@mantine/modals';
import { notifications } from '@mantine/notifications';
import { useState } from 'react';
import { permissionNames } from '../../api/permissions.gen';
import { describeError, fieldErrors } from '../../api/problem';
import { PageHeader } from '../../app/PageHeader';
import { ErrorState, Loading } from '../../app/states';
import { usePermissions } from '../auth/me';
import { type RoleItem, useDeleteRole, useRoles, useSaveRole } from './roles.api';

function RoleEditor({
  item: role,
  editable,
  onDone,
}: {
  item: RoleItem | null;
  editable: boolean;
  onDone: () => void;
}) {
  const save = useSaveRole();
  const [failure, setFailure] = useState<string[]>([]);
  const form = useForm({
    initialValues: {
      name: role?.name ?? '',
      description: role?.description ?? '',
      permissions: [...(role?.permissions ?? [])] as string[],
    },
    validate: { name: (value) => (value.trim() ? null : 'Give the role a name') },
  });
  const submit = form.onSubmit(async (values) => {
    setFailure([]);
    try {
      const body = {
        name: values.name.trim(),
        description: values.description.trim() || null,
        permissions: values.permissions,
      };
      await save.mutateAsync({ id: role?.id, body: body as never });
      notifications.show({ color: 'green', title: 'Role saved', message: values.name });
      onDone();
    } catch (error) {
      const { fields, rest } = fieldErrors(error, ['name', 'description', 'permissions']);
      form.setErrors(fields);
      setFailure(rest);
    }
  });
  return (
    <form onSubmit={submit} noValidate>
      <Stack>
        {failure.length > 0 && (
          <Alert color="red" role="alert">
            {failure.join(' ')}
          </Alert>
        )}
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          <TextInput label="Name" disabled={!editable} {...form.getInputProps('name')} />
          <TextInput label="Description" disabled={!editable} {...form.getInputProps('description')} />
        </SimpleGrid>
        <Checkbox.Group label="Permissions" {...form.getInputProps('permissions')}>
          <SimpleGrid cols={{ base: 1, xs: 2, md: 4 }} mt="xs" spacing={6}>
            {permissionNames.map((permission) => (
              <Checkbox key={permission} value={permission} label={permission} disabled={!editable} />
            ))}
          </SimpleGrid>
        </Checkbox.Group>
        {editable && (
          <Group justify="flex-end">
            <Button type="submit" loading={save.isPending} disabled={!form.isDirty()}>
              {role ? 'Save role' : 'Create role'}
            </Button>
          </Group>
        )}
      </Stack>
    </form>
  );
}

export function RolesPage() {
  const { can } = usePermissions();
  const { data, error, refetch } = useRoles();
  const remove = useDeleteRole();
  const [creating, setCreating] = useState(false);
  if (error) return <ErrorState error={error} onRetry={() => refetch()} />;
  if (!data) return <Loading />;
  const editable = can('roles:write');

  const confirmDelete = (role: RoleItem) =>
    modals.openConfirmModal({
      title: `Delete the role ${role.name}?`,
      children: 'Everyone holding it, directly or through a group, loses its permissions.',
      labels: { confirm: 'Delete role', cancel: 'Cancel' },
      confirmProps: { color: 'red' },
      onConfirm: () =>
        remove
          .mutateAsync(role.id)
          .catch((err: unknown) =>
            notifications.show({ color: 'red', title: 'Not deleted', message: describeError(err) }),
          ),
    });

  return (
    <>
      <PageHeader
        title="Roles"
        description="A role is a named set of permissions, given to users directly or through groups."
        actions={editable && !creating && <Button onClick={() => setCreating(true)}>New role</Button>}
      />
      {creating && (
        <Paper withBorder p="md" mb="md">
          <RoleEditor item={null} editable onDone={() => setCreating(false)} />
        </Paper>
      )}
      <Accordion variant="separated" multiple>
        {data.items.map((role) => (
          <Accordion.Item key={role.id} value={role.id}>
            <Accordion.Control>
              <Group gap="xs">
                <Text fw={500}>{role.name}</Text>
                {role.builtIn && (
                  <Badge size="xs" variant="light">
                    built-in
                  </Badge>
                )}
                <Text size="sm" c="dimmed">
                  {role.permissions.length} permissions
                </Text>
              </Group>
            </Accordion.Control>
            <Accordion.Panel>
              <RoleEditor item={role} editable={editable && !role.builtIn} onDone={() => undefined} />
              {editable && !role.builtIn && (
                <Button mt="sm" size="xs" color="red" variant="subtle" onClick={() => confirmDelete(role)}>
                  Delete role
                </Button>
              )}
            </Accordion.Panel>
          </Accordion.Item>
        ))}
      </Accordion>
    </>
  );
}
