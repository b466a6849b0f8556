// Centered card for the pages used before signing in: sign-in, registration, recovery, invitations.
import { Box, Center, Paper, Stack, Text, Title } from '@mantine/core';
import type { ReactNode } from 'react';

interface PublicLayoutProps {
  title: string;
  subtitle?: string;
  children: ReactNode;
}

export function PublicLayout({ title, subtitle, children }: PublicLayoutProps) {
  return (
    <Center mih="100vh" bg="var(--mantine-color-gray-0)" p="md">
      <Box w="100%" maw={420}>
        <Stack gap="lg">
          <Text ta="center" fw={700} size="xl">
            Gatehouse
          </Text>
          <Paper withBorder shadow="sm" p="xl" radius="md" component="main">
            <Stack gap="md">
              <div>
                <Title order={1} size="h3">
                  {title}
                </Title>
                {subtitle && (
                  <Text c="dimmed" size="sm" mt={4}>
                    {subtitle}
                  </Text>
                )}
              </div>
              {children}
            </Stack>
          </Paper>
        </Stack>
      </Box>
    </Center>
  );
}
