// Change the own password (needs the current one); also the forced change after an admin reset.
import { Alert, Button, Group, Paper, PasswordInput, Stack } from '@mantine/core';
import { useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import { useState } from 'react';
import { useNavigate, useSearchParams } from 'react-router';
import { api } from '../../api/client';
import { fieldErrors, unwrap } from '../../api/problem';
import { PageHeader } from '../../app/PageHeader';
import { useMe, useResetSession } from '../auth/me';
import { landingFor } from '../sign-in/redirect';

export function PasswordPage() {
  const [params] = useSearchParams();
  const { data: me } = useMe();
  const navigate = useNavigate();
  const resetSession = useResetSession();
  const forced = Boolean(me?.mustChangePassword || params.get('forced'));
  const [failure, setFailure] = useState<string[]>([]);
  const form = useForm({
    initialValues: { currentPassword: '', newPassword: '', confirmPassword: '' },
    validate: {
      currentPassword: (value) => (value ? null : 'Enter your current password'),
      newPassword: (value) => (value ? null : 'Choose a new password'),
      confirmPassword: (value, values) => (value === values.newPassword ? null : 'The two passwords are not the same'),
    },
  });

  const submit = form.onSubmit(async ({ currentPassword, newPassword }) => {
    setFailure([]);
    try {
      const answer = await unwrap(api.POST('/api/me/password', { body: { currentPassword, newPassword } }));
      form.reset();
      const ended = answer.sessionsEnded;
      notifications.show({
        color: 'green',
        title: 'Password changed',
        message: ended ? `${ended} other session${ended === 1 ? '' : 's'} signed out.` : '',
      });
      await resetSession();
      if (forced && me) navigate(landingFor({ ...me, mustChangePassword: false }, null), { replace: true });
    } catch (error) {
      const { fields, rest } = fieldErrors(error, ['currentPassword', 'newPassword']);
      form.setErrors(fields);
      setFailure(rest);
    }
  });

  return (
    <>
      <PageHeader title={forced ? 'Choose a new password' : 'Password'} />
      <Paper withBorder p="md" maw={480}>
        <form onSubmit={submit} noValidate>
          <Stack>
            {forced && (
              <Alert color="yellow" role="status">
                Your administrator asks you to choose a new password before you continue.
              </Alert>
            )}
            {failure.length > 0 && (
              <Alert color="red" role="alert">
                {failure.join(' ')}
              </Alert>
            )}
            <PasswordInput
              label="Current password"
              autoComplete="current-password"
              {...form.getInputProps('currentPassword')}
            />
            <PasswordInput
              label="New password"
              description="At least 8 characters; a long passphrase is best."
              autoComplete="new-password"
              {...form.getInputProps('newPassword')}
            />
            <PasswordInput
              label="Confirm new password"
              autoComplete="new-password"
              {...form.getInputProps('confirmPassword')}
            />
            <Group justify="flex-end">
              <Button type="submit" loading={form.submitting}>
                Change password
              </Button>
            </Group>
          </Stack>
        </form>
      </Paper>
    </>
  );
}
