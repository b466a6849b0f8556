// TOTP enrolment in the account area: confirm it is you, scan the QR code, confirm with a code, keep the codes.
import { Button, Paper, Stack, Text, Title } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api } from '../../api/client';
import { unwrap } from '../../api/problem';
import { ProofModal } from './ProofModal';
import { RecoveryCodes } from './RecoveryCodes';
import { type TotpEnrolmentStart, TotpQrStep } from './TotpQrStep';

export function TotpEnrolment({ enrolled }: { enrolled: boolean }) {
  const client = useQueryClient();
  const [proving, setProving] = useState(false);
  const [pending, setPending] = useState<TotpEnrolmentStart | null>(null);
  const [codes, setCodes] = useState<string[] | null>(null);

  const confirm = async (code: string) => {
    const answer = await unwrap(api.POST('/api/me/mfa/totp/confirm', { body: { code } }));
    setPending(null);
    // Only the first factor answers recovery codes; a second app adds no new ones.
    setCodes(answer.recoveryCodes.length ? answer.recoveryCodes : null);
    await client.invalidateQueries({ queryKey: ['me'] });
  };

  return (
    <Paper withBorder p="md">
      <Title order={2} size="h4" mb="xs">
        Authenticator app
      </Title>
      {codes ? (
        <RecoveryCodes codes={codes} onDone={() => setCodes(null)} />
      ) : pending ? (
        <TotpQrStep pending={pending} confirm={confirm} onCancel={() => setPending(null)} />
      ) : (
        <Stack align="flex-start">
          <Text size="sm">
            {enrolled
              ? 'An authenticator app is set up. Add another one to replace a phone.'
              : 'Sign in with a code from your phone as well as your password.'}
          </Text>
          <Button onClick={() => setProving(true)}>
            {enrolled ? 'Add another authenticator app' : 'Set up an authenticator app'}
          </Button>
        </Stack>
      )}
      {proving && (
        <ProofModal
          title="Confirm it is you"
          explanation="Adding a sign-in method needs your current password."
          confirmLabel="Continue"
          onClose={() => setProving(false)}
          action={async (proof) => setPending(await unwrap(api.POST('/api/me/mfa/totp', { body: proof })))}
        />
      )}
    </Paper>
  );
}
