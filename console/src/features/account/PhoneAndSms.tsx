// Phone verification by SMS code, then SMS as a second factor (only for a verified number, after a fresh proof).
import { Alert, Button, Group, Paper, Stack, Switch, Text, TextInput, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api } from '../../api/client';
import { describeError, unwrap } from '../../api/problem';
import { useMe } from '../auth/me';
import { ProofModal } from './ProofModal';

export function PhoneAndSms({ smsEnabled }: { smsEnabled: boolean }) {
  const client = useQueryClient();
  const { data: me } = useMe();
  const [sentTo, setSentTo] = useState<string | null>(null);
  const [code, setCode] = useState('');
  const [failure, setFailure] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [switching, setSwitching] = useState<boolean | null>(null);

  const run = async (work: () => Promise<unknown>) => {
    setFailure(null);
    setBusy(true);
    try {
      await work();
      await client.invalidateQueries({ queryKey: ['me'] });
    } catch (error) {
      setFailure(describeError(error));
    } finally {
      setBusy(false);
    }
  };

  if (!me) return null;
  return (
    <Paper withBorder p="md">
      <Title order={2} size="h4" mb="xs">
        Phone
      </Title>
      <Stack>
        {failure && (
          <Alert color="red" role="alert">
            {failure}
          </Alert>
        )}
        {!me.phone ? (
          <Text size="sm" c="dimmed">
            No phone number is on your account. Ask an administrator to add one.
          </Text>
        ) : me.phoneVerified ? (
          <>
            <Text size="sm">{me.phone} is verified.</Text>
            <Switch
              label="Send me sign-in codes by text message"
              checked={smsEnabled}
              onChange={(event) => setSwitching(event.currentTarget.checked)}
            />
          </>
        ) : (
          <>
            <Text size="sm">Verify {me.phone} to use it for sign-in codes.</Text>
            {!sentTo ? (
              <Button
                variant="default"
                w="fit-content"
                loading={busy}
                onClick={() => run(async () => setSentTo((await unwrap(api.POST('/api/me/phone/verify'))).sentTo))}
              >
                Text me a code
              </Button>
            ) : (
              <Group align="flex-end">
                <TextInput
                  label="Code from the text message"
                  description={`Sent to ${sentTo}`}
                  autoComplete="one-time-code"
                  inputMode="numeric"
                  value={code}
                  onChange={(event) => setCode(event.currentTarget.value)}
                />
                <Button
                  loading={busy}
                  onClick={() => run(() => unwrap(api.POST('/api/me/phone/confirm', { body: { code } })))}
                >
                  Verify
                </Button>
              </Group>
            )}
          </>
        )}
      </Stack>
      {switching !== null && (
        <ProofModal
          title={switching ? 'Turn on SMS codes' : 'Turn off SMS codes'}
          explanation="Changing how you sign in needs a fresh proof that it is you."
          confirmLabel={switching ? 'Turn on' : 'Turn off'}
          offerEndSessions
          onClose={() => setSwitching(null)}
          action={async (proof) => {
            await unwrap(api.POST('/api/me/mfa/sms', { body: { ...proof, enabled: switching } }));
            await client.invalidateQueries({ queryKey: ['me'] });
            notifications.show({ color: 'green', title: switching ? 'SMS codes on' : 'SMS codes off', message: '' });
          }}
        />
      )}
    </Paper>
  );
}
