// Statistics: users by status, sign-ins per day, MFA adoption and active sessions.
import '@mantine/charts/styles.css';
import { AreaChart, DonutChart } from '@mantine/charts';
import { Badge, Group, Paper, RingProgress, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { PageHeader } from '../../app/PageHeader';
import { EmptyState, ErrorState, Loading } from '../../app/states';
import { usePermissions } from '../auth/me';
import { loadStats } from './stats.queries';

function Card({ title, children }: { title: string; children: ReactNode }) {
  return (
    <Paper withBorder p="md">
      <Title order={2} size="h5" mb="sm">
        {title}
      </Title>
      {children}
    </Paper>
  );
}

export function StatsPage() {
  const { can } = usePermissions();
  const {
    data: view,
    error,
    refetch,
  } = useQuery({
    queryKey: ['stats', can('events:read'), can('sessions:read')],
    queryFn: () => loadStats(can('events:read'), can('sessions:read')),
    refetchInterval: 60_000,
  });
  if (error) return <ErrorState error={error} onRetry={() => refetch()} />;
  if (!view) return <Loading label="Counting" />;
  const adoption = view.mfa.counted ? Math.round((view.mfa.enabled / view.mfa.counted) * 100) : 0;

  return (
    <>
      <PageHeader
        title="Statistics"
        description={`${view.totalUsers} ${view.totalUsers === 1 ? 'user' : 'users'} in the directory.`}
      />
      <SimpleGrid cols={{ base: 1, md: 3 }} mb="md">
        <Card title="Users by status">
          {view.byStatus.length ? (
            <Group justify="center">
              <DonutChart
                data={view.byStatus}
                withLabelsLine
                withLabels
                size={150}
                thickness={24}
                role="img"
                aria-label="Users by status"
              />
              <Stack gap={4}>
                {view.byStatus.map((item) => (
                  <Text key={item.name} size="sm">
                    <Badge color={item.color.split('.')[0]} variant="dot">
                      {item.name}
                    </Badge>{' '}
                    {item.value}
                  </Text>
                ))}
              </Stack>
            </Group>
          ) : (
            <EmptyState title="No users yet" />
          )}
        </Card>
        <Card title="Two-step verification">
          <Group justify="center">
            <RingProgress
              size={150}
              thickness={14}
              sections={[{ value: adoption, color: 'teal' }]}
              label={
                <Text ta="center" fw={700} size="xl">
                  {adoption}%
                </Text>
              }
              role="img"
              aria-label={`${adoption}% of users use two-step verification`}
            />
          </Group>
          <Text ta="center" size="sm" c="dimmed">
            {view.mfa.enabled} of {view.mfa.counted} users
          </Text>
        </Card>
        <Card title="Active sessions">
          <Stack align="center" justify="center" h={170}>
            <Text fz={48} fw={700} lh={1}>
              {view.activeSessions}
            </Text>
            <Text size="sm" c="dimmed">
              signed-in sessions right now
            </Text>
          </Stack>
        </Card>
      </SimpleGrid>
      <Card title="Sign-ins per day">
        {view.signInsPerDay.length ? (
          <AreaChart
            h={260}
            data={view.signInsPerDay}
            dataKey="day"
            series={[
              { name: 'succeeded', color: 'indigo.6', label: 'Succeeded' },
              { name: 'failed', color: 'red.5', label: 'Failed' },
            ]}
            curveType="monotone"
            withLegend
          />
        ) : (
          <EmptyState title="No sign-ins recorded yet" />
        )}
      </Card>
    </>
  );
}
