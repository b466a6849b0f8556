// The signed-in user's name with links to the account area, the console, and sign-out.
import { Avatar, Group, Menu, Text, UnstyledButton } from '@mantine/core';
import { useNavigate } from 'react-router';
import { useMe, useResetSession } from '../../features/auth/me';
import { useSignOut } from '../../features/auth/sign-out';
import { hasConsoleAccess } from './nav';

export function UserMenu() {
  const { data: me } = useMe();
  const navigate = useNavigate();
  const reset = useResetSession();
  const signOut = useSignOut();
  if (!me) return null;
  const name = me.displayName || me.username;

  return (
    <Menu position="bottom-end" withinPortal>
      <Menu.Target>
        {/* Named by the visible name (WCAG 2.5.3 label in name); the initials are decoration. */}
        <UnstyledButton>
          <Group gap="xs" wrap="nowrap">
            <Avatar radius="xl" size="sm" color="indigo" name={name} aria-hidden />
            <Text size="sm" fw={500} maw={160} truncate>
              {name}
            </Text>
          </Group>
        </UnstyledButton>
      </Menu.Target>
      <Menu.Dropdown>
        <Menu.Label>
          <Text size="sm" fw={500} c="bright">
            {name}
          </Text>
        </Menu.Label>
        <Menu.Item onClick={() => navigate('/account')}>My account</Menu.Item>
        {hasConsoleAccess(me.permissions ?? []) && (
          <Menu.Item onClick={() => navigate('/admin')}>Admin console</Menu.Item>
        )}
        <Menu.Divider />
        <Menu.Item
          color="red"
          onClick={async () => {
            await signOut();
            await reset();
            navigate('/');
          }}
        >
          Sign out
        </Menu.Item>
      </Menu.Dropdown>
    </Menu>
  );
}
