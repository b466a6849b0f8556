// Invite 1–10 email addresses with roles, groups and an organization they receive on acceptance.
import { Alert, Button, Group, Modal, MultiSelect, Select, Stack, TagsInput, Text } from '@mantine/core';
import { useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api } from '../../api/client';
import { fieldErrors, unwrap } from '../../api/problem';
import { useGroupOptions } from '../groups/groups.api';
import { useOrganizationOptions } from '../organizations/organizations.api';
import { useRoleOptions } from '../roles/roles.api';

const MAX = 10;

export function InviteModal({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const client = useQueryClient();
  const roles = useRoleOptions();
  const groups = useGroupOptions();
  const organizations = useOrganizationOptions();
  const [failure, setFailure] = useState<string[]>([]);
  const form = useForm({
    initialValues: {
      emails: [] as string[],
      roleIds: [] as string[],
      groupIds: [] as string[],
      organizationId: null as string | null,
    },
    validate: {
      emails: (value) =>
        value.length === 0
          ? 'Add at least one email address'
          : value.length > MAX
            ? `At most ${MAX} addresses at a time`
            : value.find((email) => !/^[^\s@]+@[^\s@]+$/.test(email))
              ? `${value.find((email) => !/^[^\s@]+@[^\s@]+$/.test(email))} is not an email address`
              : null,
    },
  });

  const close = () => {
    form.reset();
    setFailure([]);
    onClose();
  };

  const submit = form.onSubmit(async (values) => {
    setFailure([]);
    try {
      const body = {
        emails: values.emails,
        ...(values.roleIds.length ? { roleIds: values.roleIds } : {}),
        ...(values.groupIds.length ? { groupIds: values.groupIds } : {}),
        ...(values.organizationId ? { organizationId: values.organizationId } : {}),
      };
      await unwrap(api.POST('/api/admin/invitations', { body: body as never }));
      await client.invalidateQueries({ queryKey: ['invitations'] });
      notifications.show({
        color: 'green',
        title: `${values.emails.length} invitation(s) sent`,
        message: values.emails.join(', '),
      });
      close();
    } catch (error) {
      const { fields, rest } = fieldErrors(error, ['emails', 'roleIds', 'groupIds', 'organizationId']);
      form.setErrors(fields);
      setFailure(rest);
    }
  });

  return (
    <Modal opened={opened} onClose={close} title="Invite people" size="lg">
      <form onSubmit={submit} noValidate>
        <Stack>
          {failure.length > 0 && (
            <Alert color="red" role="alert">
              {failure.join(' ')}
            </Alert>
          )}
          <TagsInput
            label="Email addresses"
            description={`Press Enter or comma after each one; up to ${MAX}.`}
            placeholder="ada@example.com"
            splitChars={[',', ' ', ';']}
            maxTags={MAX}
            clearable
            {...form.getInputProps('emails')}
          />
          {roles && <MultiSelect label="Roles" data={roles} searchable {...form.getInputProps('roleIds')} />}
          {groups && <MultiSelect label="Groups" data={groups} searchable {...form.getInputProps('groupIds')} />}
          {organizations && (
            <Select
              label="Organization"
              data={organizations}
              clearable
              searchable
              {...form.getInputProps('organizationId')}
            />
          )}
          <Text size="xs" c="dimmed">
            They receive exactly these and nothing more when they accept.
          </Text>
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              Cancel
            </Button>
            <Button type="submit" loading={form.submitting}>
              Send invitations
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
