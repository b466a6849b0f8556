// The user's fields at a glance.
import { Code, Paper, SimpleGrid, Stack, Text } from '@mantine/core';
import type { ReactNode } from 'react';
import { formatDate } from '../../../app/format';
import type { User } from '../users.api';

function Field({ label, children }: { label: string; children: ReactNode }) {
  return (
    <Stack gap={0}>
      <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
        {label}
      </Text>
      <Text size="sm" component="div">
        {children || '—'}
      </Text>
    </Stack>
  );
}

const verified = (value: string | null, flag: boolean) =>
  value ? `${value}${flag ? ' (verified)' : ' (not verified)'}` : null;

export function OverviewTab({ user }: { user: User }) {
  return (
    <Paper withBorder p="md">
      <SimpleGrid cols={{ base: 1, sm: 2, md: 3 }} spacing="md">
        <Field label="Username">{user.username}</Field>
        <Field label="Display name">{user.displayName}</Field>
        <Field label="Email">{verified(user.email, user.emailVerified)}</Field>
        <Field label="Phone">{verified(user.phone, user.phoneVerified)}</Field>
        <Field label="Department">{user.department}</Field>
        <Field label="Folder">{user.path}</Field>
        <Field label="Type">{user.type}</Field>
        <Field label="Must change password">{user.mustChangePassword ? 'Yes' : 'No'}</Field>
        <Field label="Two-step verification">{user.mfaEnabled ? 'On' : 'Off'}</Field>
        <Field label="Created">{formatDate(user.createdAt)}</Field>
        <Field label="Updated">{formatDate(user.updatedAt)}</Field>
        <Field label="Last sign-in">{user.lastLoginAt ? formatDate(user.lastLoginAt) : 'Never'}</Field>
        <Field label="Sessions">{String(user.stats.sessions)}</Field>
        <Field label="API keys">{String(user.stats.apiKeys)}</Field>
        <Field label="Groups">{String(user.stats.groups)}</Field>
      </SimpleGrid>
      <SimpleGrid cols={{ base: 1, sm: 2 }} mt="md">
        <Field label="Description">{user.description}</Field>
        <Field label="Comments">{user.comments}</Field>
      </SimpleGrid>
      {Object.keys(user.attributes ?? {}).length > 0 && (
        <Stack gap={4} mt="md">
          <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
            Attributes
          </Text>
          <Code block>{JSON.stringify(user.attributes, null, 2)}</Code>
        </Stack>
      )}
    </Paper>
  );
}
