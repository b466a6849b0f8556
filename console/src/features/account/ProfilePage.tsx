// Own profile: the display name is editable here; the rest is shown as an administrator set it.
import { Alert, Button, Group, Paper, SimpleGrid, Stack, Text, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api } from '../../api/client';
import { fieldErrors, unwrap } from '../../api/problem';
import { PageHeader } from '../../app/PageHeader';
import { Loading } from '../../app/states';
import { meKey, useMe } from '../auth/me';
import { EmailChange } from './EmailChange';

export function ProfilePage() {
  const { data: me } = useMe();
  if (!me) return <Loading />;
  return <ProfileForm displayName={me.displayName ?? ''} me={me} />;
}

function ProfileForm({ displayName, me }: { displayName: string; me: NonNullable<ReturnType<typeof useMe>['data']> }) {
  const client = useQueryClient();
  const [failure, setFailure] = useState<string[]>([]);
  const form = useForm({ initialValues: { displayName } });

  const submit = form.onSubmit(async (values) => {
    setFailure([]);
    try {
      const updated = await unwrap(api.PATCH('/api/me', { body: { displayName: values.displayName.trim() || null } }));
      client.setQueryData(meKey, updated);
      form.resetDirty();
      notifications.show({ color: 'green', title: 'Profile saved', message: '' });
    } catch (error) {
      const { fields, rest } = fieldErrors(error, ['displayName']);
      form.setErrors(fields);
      setFailure(rest);
    }
  });

  const fixed: Array<[string, string]> = [
    ['Username', me.username],
    ['Email', me.email ? `${me.email}${me.emailVerified ? ' (verified)' : ''}` : '—'],
    ['Phone', me.phone ? `${me.phone}${me.phoneVerified ? ' (verified)' : ' (not verified)'}` : '—'],
    ['Department', me.department ?? '—'],
    ['Groups', me.groups.map((group) => group.name).join(', ') || '—'],
    ['Roles', me.roles.map((role) => role.name).join(', ') || '—'],
  ];

  return (
    <>
      <PageHeader title="Profile" description="How you appear to others in Gatehouse." />
      <Paper withBorder p="md" maw={720}>
        <form onSubmit={submit} noValidate>
          <Stack>
            {failure.length > 0 && (
              <Alert color="red" role="alert">
                {failure.join(' ')}
              </Alert>
            )}
            <TextInput label="Display name" autoComplete="name" {...form.getInputProps('displayName')} />
            <SimpleGrid cols={{ base: 1, sm: 2 }}>
              {fixed.map(([label, value]) => (
                <Stack key={label} gap={0}>
                  <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
                    {label}
                  </Text>
                  <Text size="sm">{value}</Text>
                </Stack>
              ))}
            </SimpleGrid>
            <Group justify="flex-end">
              <Button type="submit" disabled={!form.isDirty()} loading={form.submitting}>
                Save
              </Button>
            </Group>
          </Stack>
        </form>
      </Paper>
      <Stack mt="md">
        <EmailChange current={me.email} />
      </Stack>
    </>
  );
}
