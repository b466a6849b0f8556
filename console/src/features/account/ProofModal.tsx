// "Confirm it is you": a fresh proof (current password, or a code from a second factor) before a factor changes.
import { Alert, Anchor, Button, Checkbox, Group, Modal, PasswordInput, Stack, Text, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useState } from 'react';
import { ApiError, describeError } from '../../api/problem';

export interface Proof {
  currentPassword?: string;
  mfaCode?: string;
  endOtherSessions?: boolean;
}

interface ProofModalProps {
  title: string;
  explanation: string;
  confirmLabel: string;
  /** Offer "sign out my other sessions" (after a factor change, ASVS 7.4.3). */
  offerEndSessions?: boolean;
  onClose: () => void;
  action: (proof: Proof) => Promise<void>;
}

export function ProofModal({ title, explanation, confirmLabel, offerEndSessions, onClose, action }: ProofModalProps) {
  const [useCode, setUseCode] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);
  const form = useForm({
    initialValues: { currentPassword: '', mfaCode: '', endOtherSessions: false },
    validate: {
      currentPassword: (value) => (useCode || value ? null : 'Enter your current password'),
      mfaCode: (value) =>
        !useCode || value.trim() ? null : 'Enter a code from your authenticator app or a recovery code',
    },
  });

  const submit = form.onSubmit(async (values) => {
    setFailure(null);
    try {
      await action({
        ...(useCode ? { mfaCode: values.mfaCode.replace(/\s+/g, '') } : { currentPassword: values.currentPassword }),
        ...(offerEndSessions ? { endOtherSessions: values.endOtherSessions } : {}),
      });
      onClose();
    } catch (error) {
      const refused = error instanceof ApiError && [401, 403].includes(error.status);
      setFailure(refused ? 'That password or code is not right.' : describeError(error));
    }
  });

  return (
    <Modal opened onClose={onClose} title={title}>
      <form onSubmit={submit} noValidate>
        <Stack>
          <Text size="sm">{explanation}</Text>
          {failure && (
            <Alert color="red" role="alert">
              {failure}
            </Alert>
          )}
          {useCode ? (
            <TextInput
              label="Code from your app, or a recovery code"
              autoComplete="one-time-code"
              autoFocus
              {...form.getInputProps('mfaCode')}
            />
          ) : (
            <PasswordInput
              label="Current password"
              autoComplete="current-password"
              autoFocus
              {...form.getInputProps('currentPassword')}
            />
          )}
          <Anchor component="button" type="button" size="sm" onClick={() => setUseCode(!useCode)}>
            {useCode ? 'Use my password instead' : 'Use a code instead of my password'}
          </Anchor>
          {offerEndSessions && (
            <Checkbox
              label="Sign out my other sessions"
              {...form.getInputProps('endOtherSessions', { type: 'checkbox' })}
            />
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={form.submitting}>
              {confirmLabel}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
