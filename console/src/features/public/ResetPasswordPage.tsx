// Reset password with the emailed single-use token; every session of the user ends.
import { Alert, Anchor, Button, PasswordInput, Stack } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useState } from 'react';
import { Link } from 'react-router';
import { api } from '../../api/client';
import { fieldErrors, unwrap } from '../../api/problem';
import { PublicLayout } from '../../app/layout/PublicLayout';
import { useUrlToken } from './useUrlToken';

export function ResetPasswordPage() {
  const token = useUrlToken();
  const [done, setDone] = useState(false);
  const [failure, setFailure] = useState<string[]>([]);
  const form = useForm({
    initialValues: { password: '', confirmPassword: '' },
    validate: {
      password: (value) => (value ? null : 'Choose a new password'),
      confirmPassword: (value, values) => (value === values.password ? null : 'The two passwords are not the same'),
    },
  });

  const submit = form.onSubmit(async ({ password }) => {
    setFailure([]);
    try {
      await unwrap(api.POST('/api/auth/password/reset', { body: { token, password } }));
      setDone(true);
    } catch (error) {
      const { fields, rest } = fieldErrors(error, ['password']);
      form.setErrors(fields);
      setFailure(rest);
    }
  });

  if (!token) {
    return (
      <PublicLayout title="Link incomplete">
        <Alert color="red">This recovery link is missing its code. Open the link from the email again.</Alert>
        <Anchor component={Link} to="/forgot-password">
          Ask for a new link
        </Anchor>
      </PublicLayout>
    );
  }
  return (
    <PublicLayout title="Choose a new password" subtitle="You will be signed out everywhere else.">
      {done ? (
        <Stack>
          <Alert color="green" role="status">
            Your password was changed. Sign in with the new one.
          </Alert>
          <Button component={Link} to="/">
            Go to sign-in
          </Button>
        </Stack>
      ) : (
        <form onSubmit={submit} noValidate>
          <Stack gap="sm">
            {failure.length > 0 && (
              <Alert color="red" role="alert">
                {failure.join(' ')}
              </Alert>
            )}
            <PasswordInput
              label="New password"
              autoComplete="new-password"
              autoFocus
              {...form.getInputProps('password')}
            />
            <PasswordInput
              label="Confirm new password"
              autoComplete="new-password"
              {...form.getInputProps('confirmPassword')}
            />
            <Button type="submit" loading={form.submitting} fullWidth>
              Set password
            </Button>
          </Stack>
        </form>
      )}
    </PublicLayout>
  );
}
