// When the policy requires two-step verification and the user has none yet, sign-in enrols an authenticator app
// first: the session opens only once a code confirms it.
import { Alert, Button, Stack, Text } from '@mantine/core';
import { useState } from 'react';
import { api } from '../../api/client';
import { describeError, unwrap } from '../../api/problem';
import { RecoveryCodes } from '../account/RecoveryCodes';
import { type TotpEnrolmentStart, TotpQrStep } from '../account/TotpQrStep';

type SignedInUser = { mustChangePassword?: boolean; permissions?: string[] };

interface MfaEnrolStepProps {
  mfaToken: string;
  onDone: (user: SignedInUser) => Promise<void>;
}

export function MfaEnrolStep({ mfaToken, onDone }: MfaEnrolStepProps) {
  const [pending, setPending] = useState<TotpEnrolmentStart | null>(null);
  const [finished, setFinished] = useState<{ user: SignedInUser; codes: string[] } | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const [starting, setStarting] = useState(false);

  const start = async () => {
    setFailure(null);
    setStarting(true);
    try {
      setPending(await unwrap(api.POST('/api/auth/mfa/enrol/totp', { body: { mfaToken } })));
    } catch (error) {
      setFailure(describeError(error));
    } finally {
      setStarting(false);
    }
  };

  const confirm = async (code: string) => {
    const answer = await unwrap(api.POST('/api/auth/mfa/enrol/totp/confirm', { body: { mfaToken, code } }));
    setFinished({ user: answer.user, codes: answer.recoveryCodes });
  };

  if (finished) return <RecoveryCodes codes={finished.codes} onDone={() => onDone(finished.user)} />;
  if (pending) return <TotpQrStep pending={pending} confirm={confirm} />;
  return (
    <Stack>
      {failure && (
        <Alert color="red" role="alert">
          {failure}
        </Alert>
      )}
      <Text size="sm">This organisation requires two-step verification. Set up an authenticator app to continue.</Text>
      <Button onClick={start} loading={starting}>
        Set up an authenticator app
      </Button>
    </Stack>
  );
}
