// Change the own email address: needs the current password, takes effect once confirmed from the new address.
import { Alert, Button, Group, Paper, PasswordInput, Stack, Text, TextInput, Title } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useState } from 'react';
import { api } from '../../api/client';
import { fieldErrors, unwrap } from '../../api/problem';

export function EmailChange({ current }: { current: string | null }) {
  const [pending, setPending] = useState<string | null>(null);
  const [failure, setFailure] = useState<string[]>([]);
  const form = useForm({
    initialValues: { email: '', currentPassword: '' },
    validate: {
      email: (value) => (/^[^\s@]+@[^\s@]+$/.test(value.trim()) ? null : 'Enter the new email address'),
      currentPassword: (value) => (value ? null : 'Enter your current password to confirm it is you'),
    },
  });

  const submit = form.onSubmit(async (values) => {
    setFailure([]);
    try {
      const answer = await unwrap(api.POST('/api/me/email', { body: { ...values, email: values.email.trim() } }));
      setPending(answer.pendingEmail);
      form.reset();
    } catch (error) {
      const { fields, rest } = fieldErrors(error, ['email', 'currentPassword']);
      form.setErrors(fields);
      setFailure(rest);
    }
  });

  return (
    <Paper withBorder p="md" maw={720}>
      <Title order={2} size="h4" mb="xs">
        Email address
      </Title>
      <Text size="sm" c="dimmed" mb="sm">
        {current ? `Now: ${current}.` : 'No address yet.'} A new address takes effect once you open the link we send to
        it.
      </Text>
      {pending && (
        <Alert color="blue" role="status" mb="sm">
          Check {pending} for a confirmation link.
        </Alert>
      )}
      <form onSubmit={submit} noValidate>
        <Stack>
          {failure.length > 0 && (
            <Alert color="red" role="alert">
              {failure.join(' ')}
            </Alert>
          )}
          <TextInput label="New email address" type="email" autoComplete="email" {...form.getInputProps('email')} />
          <PasswordInput
            label="Current password"
            autoComplete="current-password"
            {...form.getInputProps('currentPassword')}
          />
          <Group justify="flex-end">
            <Button type="submit" variant="default" loading={form.submitting}>
              Change email
            </Button>
          </Group>
        </Stack>
      </form>
    </Paper>
  );
}
