// Sign-in at `/`: username and password, then the second factor when the server asks for one.
import { Alert, Anchor, Button, Group, PasswordInput, Stack, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useState } from 'react';
import { Link, Navigate, useNavigate, useSearchParams } from 'react-router';
import { api } from '../../api/client';
import { describeError, unwrap } from '../../api/problem';
import { PublicLayout } from '../../app/layout/PublicLayout';
import { Loading } from '../../app/states';
import { useMe, useResetSession } from '../auth/me';
import { useRegistrationOpen } from '../public/registration';
import { MfaEnrolStep } from './MfaEnrolStep';
import { type MfaChallenge, MfaStep } from './MfaStep';
import { landingFor } from './redirect';

export function SignInPage() {
  const { data: me, isPending } = useMe();
  const registrationOpen = useRegistrationOpen();
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const resetSession = useResetSession();
  const [challenge, setChallenge] = useState<MfaChallenge | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const form = useForm({
    initialValues: { username: '', password: '' },
    validate: {
      username: (value) => (value.trim() ? null : 'Enter your username or email'),
      password: (value) => (value ? null : 'Enter your password'),
    },
  });

  if (isPending) return <Loading />;
  if (me) return <Navigate to={landingFor(me, params.get('next'))} replace />;

  const finish = async (user: { mustChangePassword?: boolean; permissions?: string[] }) => {
    await resetSession();
    navigate(landingFor(user, params.get('next')), { replace: true });
  };

  const submit = form.onSubmit(async (values) => {
    setFailure(null);
    try {
      const answer = await unwrap(api.POST('/api/auth/login', { body: values }));
      if ('mfaRequired' in answer && answer.mfaRequired) {
        setChallenge({
          mfaToken: answer.mfaToken,
          methods: answer.methods,
          enrolmentRequired: answer.enrolmentRequired ?? false,
        });
        return;
      }
      await finish('user' in answer ? answer.user : {});
    } catch (error) {
      setFailure(describeError(error));
    }
  });

  if (challenge) {
    return (
      <PublicLayout title="Two-step verification" subtitle="Confirm it is you with your second factor.">
        {challenge.enrolmentRequired ? (
          <MfaEnrolStep mfaToken={challenge.mfaToken} onDone={finish} />
        ) : (
          <MfaStep challenge={challenge} onDone={finish} onCancel={() => setChallenge(null)} />
        )}
      </PublicLayout>
    );
  }

  return (
    <PublicLayout title="Sign in" subtitle="Use your Gatehouse account.">
      <form onSubmit={submit} noValidate>
        <Stack gap="sm">
          {failure && (
            <Alert color="red" role="alert">
              {failure}
            </Alert>
          )}
          <TextInput label="Username or email" autoComplete="username" autoFocus {...form.getInputProps('username')} />
          <PasswordInput label="Password" autoComplete="current-password" {...form.getInputProps('password')} />
          <Button type="submit" loading={form.submitting} fullWidth>
            Sign in
          </Button>
          <Group justify="space-between">
            <Anchor component={Link} to="/forgot-password" size="sm">
              Forgot your password?
            </Anchor>
            {registrationOpen && (
              <Anchor component={Link} to="/register" size="sm">
                Create an account
              </Anchor>
            )}
          </Group>
        </Stack>
      </form>
    </PublicLayout>
  );
}
