// Second step of sign-in: a TOTP, SMS or recovery code for the pending `mfaToken`.
import { Alert, Anchor, Button, Group, SegmentedControl, Stack, Text, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useState } from 'react';
import { api } from '../../api/client';
import { describeError, unwrap } from '../../api/problem';

export interface MfaChallenge {
  mfaToken: string;
  methods: string[];
  enrolmentRequired?: boolean;
}

const LABELS: Record<string, string> = { totp: 'Authenticator app', sms: 'Text message', recovery: 'Recovery code' };

interface MfaStepProps {
  challenge: MfaChallenge;
  onDone: (user: { mustChangePassword?: boolean; permissions?: string[] }) => Promise<void>;
  onCancel: () => void;
}

export function MfaStep({ challenge, onDone, onCancel }: MfaStepProps) {
  const methods = challenge.methods.length ? challenge.methods : ['totp'];
  const [method, setMethod] = useState(methods[0] ?? 'totp');
  const [failure, setFailure] = useState<string | null>(null);
  const [smsSent, setSmsSent] = useState(false);
  const form = useForm({
    initialValues: { code: '' },
    validate: { code: (value) => (value.trim() ? null : 'Enter the code') },
  });

  const sendSms = async () => {
    setFailure(null);
    try {
      await unwrap(api.POST('/api/auth/mfa/challenge', { body: { mfaToken: challenge.mfaToken, method: 'sms' } }));
      setSmsSent(true);
    } catch (error) {
      setFailure(describeError(error));
    }
  };

  const submit = form.onSubmit(async ({ code }) => {
    setFailure(null);
    try {
      const body = { mfaToken: challenge.mfaToken, method, code: code.replace(/\s+/g, '') };
      const answer = await unwrap(
        api.POST('/api/auth/mfa', { body: body as { mfaToken: string; method: 'totp'; code: string } }),
      );
      await onDone(answer.user);
    } catch (error) {
      setFailure(describeError(error));
      form.setFieldValue('code', '');
    }
  });

  return (
    <form onSubmit={submit} noValidate>
      <Stack gap="sm">
        {failure && (
          <Alert color="red" role="alert">
            {failure}
          </Alert>
        )}
        {methods.length > 1 && (
          <SegmentedControl
            aria-label="Verification method"
            value={method}
            onChange={setMethod}
            data={methods.map((value) => ({ value, label: LABELS[value] ?? value }))}
            fullWidth
          />
        )}
        {method === 'sms' && (
          <Group justify="space-between">
            <Text size="sm">{smsSent ? 'We sent a code to your phone.' : 'We will text a code to your phone.'}</Text>
            <Button size="xs" variant="light" onClick={sendSms}>
              {smsSent ? 'Send again' : 'Send code'}
            </Button>
          </Group>
        )}
        <TextInput
          label={method === 'recovery' ? 'Recovery code' : 'Verification code'}
          description={method === 'totp' ? 'The 6-digit code shown in your authenticator app.' : undefined}
          autoComplete="one-time-code"
          inputMode={method === 'recovery' ? 'text' : 'numeric'}
          autoFocus
          {...form.getInputProps('code')}
        />
        <Button type="submit" loading={form.submitting} fullWidth>
          Verify
        </Button>
        <Anchor component="button" type="button" size="sm" onClick={onCancel}>
          Use a different account
        </Anchor>
      </Stack>
    </form>
  );
}
