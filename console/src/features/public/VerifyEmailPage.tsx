// Email verification link: the token is traded for a POST once, as soon as the page opens.
import { Alert, Button, Stack } from '@mantine/core';
import { useEffect, useRef, useState } from 'react';
import { Link } from 'react-router';
import { api } from '../../api/client';
import { ApiError, describeError, unwrap } from '../../api/problem';
import { PublicLayout } from '../../app/layout/PublicLayout';
import { Loading } from '../../app/states';
import { useUrlToken } from './useUrlToken';

type Outcome = { state: 'pending' } | { state: 'done' } | { state: 'failed'; message: string };

export function VerifyEmailPage() {
  const token = useUrlToken();
  const [outcome, setOutcome] = useState<Outcome>({ state: 'pending' });
  // The token works once: never send it twice, even if the effect runs again.
  const sent = useRef(false);

  useEffect(() => {
    if (sent.current) return;
    sent.current = true;
    if (!token) {
      setOutcome({ state: 'failed', message: 'This link is missing its code. Open the link from the email again.' });
      return;
    }
    unwrap(api.POST('/api/auth/email/verify', { body: { token } }))
      .then(() => setOutcome({ state: 'done' }))
      .catch((error: unknown) =>
        setOutcome({
          state: 'failed',
          message:
            error instanceof ApiError && error.status < 500
              ? 'This link is not valid any more: it was used already or has expired. Ask for a new one from your account.'
              : describeError(error),
        }),
      );
  }, [token]);

  if (outcome.state === 'pending') return <Loading label="Confirming your email address" />;
  return (
    <PublicLayout title={outcome.state === 'done' ? 'Email address confirmed' : 'Email not confirmed'}>
      <Stack>
        {outcome.state === 'done' ? (
          <Alert color="green" role="status">
            Thank you. Your email address is confirmed.
          </Alert>
        ) : (
          <Alert color="red" role="alert">
            {outcome.message}
          </Alert>
        )}
        <Button component={Link} to="/">
          Continue
        </Button>
      </Stack>
    </PublicLayout>
  );
}
