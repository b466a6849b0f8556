// Create an API key: name, permissions (a subset of what the creator holds), expiry; the secret is shown once.
import {
  Alert,
  Button,
  Checkbox,
  Code,
  CopyButton,
  Group,
  Modal,
  SimpleGrid,
  Stack,
  Text,
  TextInput,
} from '@mantine/core';
import { useForm } from '@mantine/form';
import { useState } from 'react';
import { fieldErrors } from '../../api/problem';

export interface NewApiKey {
  name: string;
  permissions?: string[];
  expiresAt?: string;
}

interface CreateApiKeyModalProps {
  opened: boolean;
  onClose: () => void;
  /** Permissions that may be granted; empty means the key acts with its owner's permissions. */
  grantable: readonly string[];
  create: (body: NewApiKey) => Promise<{ secret: string }>;
}

export function CreateApiKeyModal({ opened, onClose, grantable, create }: CreateApiKeyModalProps) {
  const [secret, setSecret] = useState<string | null>(null);
  const [failure, setFailure] = useState<string[]>([]);
  const form = useForm({
    initialValues: { name: '', permissions: [] as string[], expiresInDays: '90' },
    validate: {
      name: (value) => (value.trim() ? null : 'Give the key a name you will recognise'),
      expiresInDays: (value) => (value === '' || Number(value) > 0 ? null : 'Enter a number of days, or leave empty'),
    },
  });

  const close = () => {
    setSecret(null);
    setFailure([]);
    form.reset();
    onClose();
  };

  const submit = form.onSubmit(async (values) => {
    setFailure([]);
    const days = Number(values.expiresInDays);
    try {
      const answer = await create({
        name: values.name.trim(),
        ...(values.permissions.length ? { permissions: values.permissions } : {}),
        ...(days > 0 ? { expiresAt: new Date(Date.now() + days * 86_400_000).toISOString() } : {}),
      });
      setSecret(answer.secret);
    } catch (error) {
      const { fields, rest } = fieldErrors(error, ['name', 'permissions']);
      form.setErrors(fields);
      setFailure(rest);
    }
  });

  return (
    <Modal opened={opened} onClose={close} title="New API key" size="lg">
      {secret ? (
        <Stack>
          <Alert color="yellow" title="Copy the key now">
            It is shown only this once. Store it like a password.
          </Alert>
          <Code block data-testid="api-key-secret">
            {secret}
          </Code>
          <Group justify="flex-end">
            <CopyButton value={secret}>
              {({ copied, copy }) => (
                <Button variant="light" onClick={copy}>
                  {copied ? 'Copied' : 'Copy key'}
                </Button>
              )}
            </CopyButton>
            <Button onClick={close}>Done</Button>
          </Group>
        </Stack>
      ) : (
        <form onSubmit={submit} noValidate>
          <Stack>
            {failure.length > 0 && (
              <Alert color="red" role="alert">
                {failure.join(' ')}
              </Alert>
            )}
            <TextInput label="Name" placeholder="Nightly sync" {...form.getInputProps('name')} />
            <TextInput
              label="Expires after (days)"
              description="Leave empty for a key that does not expire."
              inputMode="numeric"
              {...form.getInputProps('expiresInDays')}
            />
            {grantable.length > 0 && (
              <Checkbox.Group
                label="Permissions"
                description="None ticked: the key can do what its owner can."
                {...form.getInputProps('permissions')}
              >
                <SimpleGrid cols={{ base: 1, sm: 2 }} mt="xs" spacing={6}>
                  {grantable.map((permission) => (
                    <Checkbox key={permission} value={permission} label={permission} />
                  ))}
                </SimpleGrid>
              </Checkbox.Group>
            )}
            <Text size="xs" c="dimmed">
              A key never holds more than the person or system that created it.
            </Text>
            <Group justify="flex-end">
              <Button variant="default" onClick={close}>
                Cancel
              </Button>
              <Button type="submit" loading={form.submitting}>
                Create key
              </Button>
            </Group>
          </Stack>
        </form>
      )}
    </Modal>
  );
}
