// Self-registration; the server refuses it (403) unless the allowRegistration setting is on, and the page says so
// before asking for anything when it already knows.
import { Alert, Anchor, Button, PasswordInput, Stack, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useState } from 'react';
import { Link } from 'react-router';
import { api } from '../../api/client';
import { ApiError, fieldErrors, unwrap } from '../../api/problem';
import { PublicLayout } from '../../app/layout/PublicLayout';
import { useRegistrationOpen } from './registration';

const FIELDS = ['username', 'email', 'displayName', 'password'];

export function RegisterPage() {
  const [done, setDone] = useState<string | null>(null);
  const [refused, setRefused] = useState(false);
  const open = useRegistrationOpen();
  const closed = refused || open === false;
  const [failure, setFailure] = useState<string[]>([]);
  const form = useForm({
    initialValues: { username: '', email: '', displayName: '', password: '', confirmPassword: '' },
    validate: {
      username: (value) => (value.trim() ? null : 'Choose a username'),
      email: (value) => (/^[^\s@]+@[^\s@]+$/.test(value.trim()) ? null : 'Enter your email address'),
      password: (value) => (value ? null : 'Choose a password'),
      confirmPassword: (value, values) => (value === values.password ? null : 'The two passwords are not the same'),
    },
  });

  const submit = form.onSubmit(async ({ confirmPassword: _, ...values }) => {
    setFailure([]);
    try {
      const body = {
        ...values,
        email: values.email.trim(),
        displayName: values.displayName.trim() || undefined,
      };
      const answer = await unwrap(api.POST('/api/auth/register', { body: body as never }));
      setDone(answer.message);
    } catch (error) {
      if (error instanceof ApiError && error.status === 403) return setRefused(true);
      const { fields, rest } = fieldErrors(error, FIELDS);
      form.setErrors(fields);
      setFailure(rest);
    }
  });

  return (
    <PublicLayout title="Create an account">
      {closed ? (
        <Alert color="yellow" role="status">
          Sign-up is closed here. Ask an administrator for an invitation.
        </Alert>
      ) : done ? (
        <Alert color="green" role="status">
          {done}
        </Alert>
      ) : (
        <form onSubmit={submit} noValidate>
          <Stack gap="sm">
            {failure.length > 0 && (
              <Alert color="red" role="alert">
                {failure.join(' ')}
              </Alert>
            )}
            <TextInput label="Username" autoComplete="username" autoFocus {...form.getInputProps('username')} />
            <TextInput label="Email" type="email" autoComplete="email" {...form.getInputProps('email')} />
            <TextInput label="Your name" autoComplete="name" {...form.getInputProps('displayName')} />
            <PasswordInput label="Password" autoComplete="new-password" {...form.getInputProps('password')} />
            <PasswordInput
              label="Confirm password"
              autoComplete="new-password"
              {...form.getInputProps('confirmPassword')}
            />
            <Button type="submit" loading={form.submitting} fullWidth>
              Create account
            </Button>
          </Stack>
        </form>
      )}
      <Anchor component={Link} to="/" size="sm">
        Already have an account? Sign in
      </Anchor>
    </PublicLayout>
  );
}
