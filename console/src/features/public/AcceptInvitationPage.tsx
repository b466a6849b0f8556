// Invitation acceptance: shows who is invited, then creates the account with username, name and password.
import { Alert, Anchor, Button, PasswordInput, Stack, Text, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { api } from '../../api/client';
import { ApiError, fieldErrors, unwrap } from '../../api/problem';
import { formatDate } from '../../app/format';
import { PublicLayout } from '../../app/layout/PublicLayout';
import { Loading } from '../../app/states';
import { useUrlToken } from './useUrlToken';

const FIELDS = ['username', 'displayName', 'password'];

export function AcceptInvitationPage() {
  const params = useParams();
  const token = useUrlToken(params.token);
  const [accepted, setAccepted] = useState(false);
  const [failure, setFailure] = useState<string[]>([]);
  const invitation = useQuery({
    queryKey: ['invitation', token],
    queryFn: () => unwrap(api.GET('/api/auth/invitations/{token}', { params: { path: { token } } })),
    enabled: Boolean(token),
    retry: false,
  });
  const form = useForm({
    initialValues: { username: '', displayName: '', password: '', confirmPassword: '' },
    validate: {
      username: (value) => (value.trim() ? null : 'Choose a username'),
      password: (value) => (value ? null : 'Choose a password'),
      confirmPassword: (value, values) => (value === values.password ? null : 'The two passwords are not the same'),
    },
  });

  const submit = form.onSubmit(async ({ username, displayName, password }) => {
    setFailure([]);
    try {
      await unwrap(
        api.POST('/api/auth/invitations/{token}/accept', {
          params: { path: { token } },
          body: { username: username.trim(), displayName: displayName.trim() || undefined, password } as never,
        }),
      );
      setAccepted(true);
    } catch (error) {
      const { fields, rest } = fieldErrors(error, FIELDS);
      form.setErrors(fields);
      setFailure(rest);
    }
  });

  if (!token || invitation.error) {
    const gone = invitation.error instanceof ApiError && [404, 410].includes(invitation.error.status);
    return (
      <PublicLayout title="Invitation not valid">
        <Alert color="red" role="alert">
          {gone || !token
            ? 'This invitation link is not valid any more: it was used, revoked or has expired. Ask for a new one.'
            : 'The invitation could not be checked. Try again in a moment.'}
        </Alert>
        <Anchor component={Link} to="/">
          Go to sign-in
        </Anchor>
      </PublicLayout>
    );
  }
  if (!invitation.data) return <Loading />;
  const { email, roles, groups, organization, expiresAt } = invitation.data;
  const grants = [
    organization ? `member of ${organization.name}` : null,
    roles.length ? `roles ${roles.map((role) => role.name).join(', ')}` : null,
    groups.length ? `groups ${groups.map((group) => group.name).join(', ')}` : null,
  ].filter(Boolean);

  if (accepted) {
    return (
      <PublicLayout title="Welcome aboard">
        <Alert color="green" role="status">
          Your account is ready. Sign in with the username and password you chose.
        </Alert>
        <Button component={Link} to="/">
          Go to sign-in
        </Button>
      </PublicLayout>
    );
  }
  return (
    <PublicLayout title="Accept your invitation" subtitle={email ? `Create the account for ${email}.` : undefined}>
      <form onSubmit={submit} noValidate>
        <Stack gap="sm">
          {failure.length > 0 && (
            <Alert color="red" role="alert">
              {failure.join(' ')}
            </Alert>
          )}
          {grants.length > 0 && <Text size="sm">You will join as {grants.join('; ')}.</Text>}
          <Text size="xs" c="dimmed">
            This invitation expires {formatDate(expiresAt)}.
          </Text>
          <TextInput label="Username" autoComplete="username" autoFocus {...form.getInputProps('username')} />
          <TextInput label="Your name" autoComplete="name" {...form.getInputProps('displayName')} />
          <PasswordInput label="Password" autoComplete="new-password" {...form.getInputProps('password')} />
          <PasswordInput
            label="Confirm password"
            autoComplete="new-password"
            {...form.getInputProps('confirmPassword')}
          />
          <Text size="xs" c="dimmed">
            At least 8 characters. Long passphrases are best; very common passwords are refused.
          </Text>
          <Button type="submit" loading={form.submitting} fullWidth>
            Create my account
          </Button>
        </Stack>
      </form>
    </PublicLayout>
  );
}
