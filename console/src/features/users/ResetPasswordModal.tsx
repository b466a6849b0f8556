// Admin password reset: type one or generate one, optionally force a change and end the user's sessions.
import {
  Alert,
  Button,
  Checkbox,
  Code,
  CopyButton,
  Group,
  Modal,
  PasswordInput,
  Stack,
  Switch,
  Text,
} from '@mantine/core';
import { useForm } from '@mantine/form';
import { useState } from 'react';
import { api } from '../../api/client';
import { fieldErrors, unwrap } from '../../api/problem';
import type { User } from './users.api';

interface ResetPasswordModalProps {
  user: User;
  opened: boolean;
  onClose: () => void;
}

export function ResetPasswordModal({ user, opened, onClose }: ResetPasswordModalProps) {
  const [generated, setGenerated] = useState<string | null>(null);
  const [done, setDone] = useState(false);
  const [failure, setFailure] = useState<string[]>([]);
  const form = useForm({
    initialValues: { generate: true, password: '', mustChange: true, revokeSessions: true },
    validate: { password: (value, values) => (values.generate || value ? null : 'Enter a password or generate one') },
  });

  const close = () => {
    setGenerated(null);
    setDone(false);
    setFailure([]);
    form.reset();
    onClose();
  };

  const submit = form.onSubmit(async (values) => {
    setFailure([]);
    try {
      const body = values.generate
        ? { generate: true, mustChange: values.mustChange, revokeSessions: values.revokeSessions }
        : { password: values.password, mustChange: values.mustChange, revokeSessions: values.revokeSessions };
      const answer = await unwrap(
        api.POST('/api/admin/users/{id}/password', { params: { path: { id: user.id } }, body }),
      );
      setGenerated(answer.generatedPassword ?? null);
      setDone(true);
    } catch (error) {
      const { fields, rest } = fieldErrors(error, ['password']);
      form.setErrors(fields);
      setFailure(rest);
    }
  });

  return (
    <Modal opened={opened} onClose={close} title={`Reset the password of ${user.username}`}>
      {done ? (
        <Stack>
          <Alert color="green" role="status">
            The password was reset.
          </Alert>
          {generated && (
            <Stack gap={4}>
              <Text size="sm">The new password, shown once:</Text>
              <Group gap="xs">
                <Code data-testid="generated-password">{generated}</Code>
                <CopyButton value={generated}>
                  {({ copied, copy }) => (
                    <Button size="xs" variant="light" onClick={copy}>
                      {copied ? 'Copied' : 'Copy'}
                    </Button>
                  )}
                </CopyButton>
              </Group>
            </Stack>
          )}
          <Button onClick={close}>Close</Button>
        </Stack>
      ) : (
        <form onSubmit={submit} noValidate>
          <Stack>
            {failure.length > 0 && (
              <Alert color="red" role="alert">
                {failure.join(' ')}
              </Alert>
            )}
            <Switch label="Generate a strong password" {...form.getInputProps('generate', { type: 'checkbox' })} />
            {!form.values.generate && (
              <PasswordInput label="New password" autoComplete="new-password" {...form.getInputProps('password')} />
            )}
            <Checkbox
              label="Must change it at next sign-in"
              {...form.getInputProps('mustChange', { type: 'checkbox' })}
            />
            <Checkbox
              label="Sign the user out everywhere"
              {...form.getInputProps('revokeSessions', { type: 'checkbox' })}
            />
            <Group justify="flex-end">
              <Button variant="default" onClick={close}>
                Cancel
              </Button>
              <Button type="submit" loading={form.submitting}>
                Reset password
              </Button>
            </Group>
          </Stack>
        </form>
      )}
    </Modal>
  );
}
