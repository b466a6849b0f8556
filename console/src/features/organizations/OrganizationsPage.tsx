// Organizations: a searchable list with member counts; create, rename and delete when allowed.
import { Alert, Button, Group, Modal, Paper, Stack, Table, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useDebouncedValue } from '@mantine/hooks';
import { modals } from '@mantine/modals';
import { notifications } from '@mantine/notifications';
import { useState } from 'react';
import { describeError, fieldErrors } from '../../api/problem';
import { PageHeader } from '../../app/PageHeader';
import { EmptyState, ErrorState, Loading } from '../../app/states';
import { usePermissions } from '../auth/me';
import {
  type OrganizationItem,
  useDeleteOrganization,
  useOrganizations,
  useSaveOrganization,
} from './organizations.api';

function OrganizationModal({ organization, onClose }: { organization: OrganizationItem | null; onClose: () => void }) {
  const save = useSaveOrganization();
  const [failure, setFailure] = useState<string[]>([]);
  const form = useForm({
    initialValues: { name: organization?.name ?? '', slug: organization?.slug ?? '' },
    validate: { name: (value) => (value.trim() ? null : 'Give the organization a name') },
  });
  const submit = form.onSubmit(async (values) => {
    setFailure([]);
    try {
      const body = { name: values.name.trim(), ...(values.slug.trim() ? { slug: values.slug.trim() } : {}) };
      await save.mutateAsync({ id: organization?.id, body: body as never });
      onClose();
    } catch (error) {
      const { fields, rest } = fieldErrors(error, ['name', 'slug']);
      form.setErrors(fields);
      setFailure(rest);
    }
  });
  return (
    <Modal opened onClose={onClose} title={organization ? `Edit ${organization.name}` : 'New organization'}>
      <form onSubmit={submit} noValidate>
        <Stack>
          {failure.length > 0 && (
            <Alert color="red" role="alert">
              {failure.join(' ')}
            </Alert>
          )}
          <TextInput label="Name" {...form.getInputProps('name')} />
          <TextInput
            label="Short name (slug)"
            description="Lowercase letters, digits and dashes; made from the name when empty."
            {...form.getInputProps('slug')}
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={save.isPending}>
              {organization ? 'Save' : 'Create'}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

export function OrganizationsPage() {
  const { can } = usePermissions();
  const [search, setSearch] = useState('');
  const [q] = useDebouncedValue(search, 250);
  const { data, error, refetch } = useOrganizations(q);
  const remove = useDeleteOrganization();
  const [editing, setEditing] = useState<OrganizationItem | 'new' | null>(null);
  const editable = can('organizations:write');

  const confirmDelete = (org: OrganizationItem) =>
    modals.openConfirmModal({
      title: `Delete ${org.name}?`,
      children: `Its ${org.memberCount} members leave it and lose the roles they held in it. Their accounts stay.`,
      labels: { confirm: 'Delete organization', cancel: 'Cancel' },
      confirmProps: { color: 'red' },
      onConfirm: () =>
        remove
          .mutateAsync(org.id)
          .catch((err: unknown) =>
            notifications.show({ color: 'red', title: 'Not deleted', message: describeError(err) }),
          ),
    });

  return (
    <>
      <PageHeader
        title="Organizations"
        description="Tenants: an organization's admins manage only its own members."
        actions={editable && <Button onClick={() => setEditing('new')}>New organization</Button>}
      />
      <TextInput
        label="Search"
        type="search"
        value={search}
        onChange={(event) => setSearch(event.currentTarget.value)}
        maw={320}
        mb="sm"
      />
      {error ? (
        <ErrorState error={error} onRetry={() => refetch()} />
      ) : !data ? (
        <Loading />
      ) : data.items.length === 0 ? (
        <EmptyState title={q ? 'No organization matches' : 'No organizations yet'} />
      ) : (
        <Paper withBorder>
          <Table aria-label="Organizations" verticalSpacing="xs">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Name</Table.Th>
                <Table.Th>Slug</Table.Th>
                <Table.Th>Members</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {data.items.map((org) => (
                <Table.Tr key={org.id}>
                  <Table.Td fw={500}>{org.name}</Table.Td>
                  <Table.Td>{org.slug}</Table.Td>
                  <Table.Td>{org.memberCount}</Table.Td>
                  <Table.Td>
                    {editable && (
                      <Group gap={4} justify="flex-end" wrap="nowrap">
                        <Button size="xs" variant="subtle" onClick={() => setEditing(org)}>
                          Edit
                        </Button>
                        <Button size="xs" variant="subtle" color="red" onClick={() => confirmDelete(org)}>
                          Delete
                        </Button>
                      </Group>
                    )}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Paper>
      )}
      {editing && (
        <OrganizationModal organization={editing === 'new' ? null : editing} onClose={() => setEditing(null)} />
      )}
    </>
  );
}
