// Page frame shared by the console and the account area: header with the user menu, a collapsible navbar.
import { AppShell, Burger, Group, NavLink, ScrollArea, Text } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import type { ReactNode } from 'react';
import { Outlet, Link as RouterLink, useLocation } from 'react-router';
import { UserMenu } from './UserMenu';

interface ShellProps {
  title: string;
  items: Array<{ label: string; to: string }>;
  footer?: ReactNode;
}

export function Shell({ title, items, footer }: ShellProps) {
  const [opened, { toggle, close }] = useDisclosure();
  const { pathname } = useLocation();
  const isActive = (to: string): boolean =>
    to === '/account' ? pathname === to : pathname === to || pathname.startsWith(`${to}/`);

  return (
    <AppShell
      header={{ height: 56 }}
      navbar={{ width: 220, breakpoint: 'sm', collapsed: { mobile: !opened } }}
      padding="md"
    >
      <a className="skip-link" href="#main-content">
        Skip to content
      </a>
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="sm" wrap="nowrap">
            <Burger opened={opened} onClick={toggle} hiddenFrom="sm" size="sm" aria-label="Toggle navigation" />
            <Text fw={700} size="lg">
              Gatehouse
            </Text>
            <Text c="dimmed" size="sm" visibleFrom="xs">
              {title}
            </Text>
          </Group>
          <UserMenu />
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="xs" aria-label={`${title} navigation`}>
        <AppShell.Section grow component={ScrollArea}>
          {items.map((item) => (
            <NavLink
              key={item.to}
              component={RouterLink}
              to={item.to}
              label={item.label}
              active={isActive(item.to)}
              onClick={close}
            />
          ))}
        </AppShell.Section>
        {footer && <AppShell.Section>{footer}</AppShell.Section>}
      </AppShell.Navbar>
      <AppShell.Main id="main-content" tabIndex={-1}>
        <Outlet />
      </AppShell.Main>
    </AppShell>
  );
}
