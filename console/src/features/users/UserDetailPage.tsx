// One user: header with its actions, and tabs for overview, access, organizations, sessions, factors, keys, events.
import { Badge, Group, Tabs, Text } from '@mantine/core';
import { useParams, useSearchParams } from 'react-router';
import { PageHeader } from '../../app/PageHeader';
import { ErrorState, Loading } from '../../app/states';
import { usePermissions } from '../auth/me';
import { StatusBadge } from './StatusBadge';
import { AccessTab } from './tabs/AccessTab';
import { ApiKeysTab } from './tabs/ApiKeysTab';
import { AuthenticatorsTab } from './tabs/AuthenticatorsTab';
import { EventsTab } from './tabs/EventsTab';
import { OrganizationsTab } from './tabs/OrganizationsTab';
import { OverviewTab } from './tabs/OverviewTab';
import { SessionsTab } from './tabs/SessionsTab';
import { UserActions } from './UserActions';
import { useUser } from './users.api';

export function UserDetailPage() {
  const { id = '' } = useParams();
  const [params, setParams] = useSearchParams();
  const { can } = usePermissions();
  const { data: user, error, refetch } = useUser(id);
  if (error) return <ErrorState error={error} onRetry={() => refetch()} />;
  if (!user) return <Loading />;

  const tabs = [
    { value: 'overview', label: 'Overview', show: true },
    { value: 'access', label: 'Groups & roles', show: true },
    { value: 'organizations', label: 'Organizations', show: true },
    { value: 'sessions', label: 'Sessions', show: can('sessions:read') },
    { value: 'authenticators', label: 'Authenticators', show: can('users:read') },
    { value: 'api-keys', label: 'API keys', show: can('api-keys:manage') },
    { value: 'events', label: 'Events', show: can('events:read') },
  ].filter((tab) => tab.show);
  const tab = params.get('tab') ?? 'overview';

  return (
    <>
      <PageHeader
        title={user.displayName || user.username}
        description={
          <Group gap="xs" component="span">
            <Text span size="sm">
              {user.username}
            </Text>
            <StatusBadge status={user.status} />
            {user.mfaEnabled && (
              <Badge variant="outline" color="teal">
                MFA
              </Badge>
            )}
          </Group>
        }
        actions={<UserActions user={user} />}
      />
      <Tabs
        value={tab}
        onChange={(value) => setParams({ tab: value ?? 'overview' }, { replace: true })}
        keepMounted={false}
      >
        <Tabs.List mb="md">
          {tabs.map((item) => (
            <Tabs.Tab key={item.value} value={item.value}>
              {item.label}
            </Tabs.Tab>
          ))}
        </Tabs.List>
        <Tabs.Panel value="overview">
          <OverviewTab user={user} />
        </Tabs.Panel>
        <Tabs.Panel value="access">
          <AccessTab user={user} />
        </Tabs.Panel>
        <Tabs.Panel value="organizations">
          <OrganizationsTab user={user} />
        </Tabs.Panel>
        <Tabs.Panel value="sessions">
          <SessionsTab userId={user.id} />
        </Tabs.Panel>
        <Tabs.Panel value="authenticators">
          <AuthenticatorsTab userId={user.id} />
        </Tabs.Panel>
        <Tabs.Panel value="api-keys">
          <ApiKeysTab userId={user.id} />
        </Tabs.Panel>
        <Tabs.Panel value="events">
          <EventsTab userId={user.id} />
        </Tabs.Panel>
      </Tabs>
    </>
  );
}
