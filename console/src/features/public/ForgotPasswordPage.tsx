// Forgot password: always the same answer, whether or not the account exists.
import { Alert, Anchor, Button, Stack, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useState } from 'react';
import { Link } from 'react-router';
import { api } from '../../api/client';
import { describeError, unwrap } from '../../api/problem';
import { PublicLayout } from '../../app/layout/PublicLayout';

export function ForgotPasswordPage() {
  const [sent, setSent] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);
  const form = useForm({
    initialValues: { login: '' },
    validate: { login: (value) => (value.trim() ? null : 'Enter your username or email') },
  });

  const submit = form.onSubmit(async ({ login }) => {
    setFailure(null);
    try {
      await unwrap(api.POST('/api/auth/password/forgot', { body: { login: login.trim() } }));
      setSent(true);
    } catch (error) {
      setFailure(describeError(error));
    }
  });

  return (
    <PublicLayout title="Forgot your password?" subtitle="We will email you a link to choose a new one.">
      {sent ? (
        <Alert color="green" role="status">
          If an account matches, a recovery link is on its way. It works once and expires soon.
        </Alert>
      ) : (
        <form onSubmit={submit} noValidate>
          <Stack gap="sm">
            {failure && (
              <Alert color="red" role="alert">
                {failure}
              </Alert>
            )}
            <TextInput label="Username or email" autoComplete="username" autoFocus {...form.getInputProps('login')} />
            <Button type="submit" loading={form.submitting} fullWidth>
              Send recovery link
            </Button>
          </Stack>
        </form>
      )}
      <Anchor component={Link} to="/" size="sm">
        Back to sign-in
      </Anchor>
    </PublicLayout>
  );
}
