// Route guards: signed in at all, forced password change first, and console access by permission.
import { Center, Loader } from '@mantine/core';
import type { ReactNode } from 'react';
import { Navigate, useLocation } from 'react-router';
import { hasConsoleAccess } from '../../app/layout/nav';
import { ErrorState } from '../../app/states';
import { useMe } from './me';

interface GuardProps {
  children: ReactNode;
  console?: boolean;
}

export function RequireAuth({ children, console: needsConsole = false }: GuardProps) {
  const { data: me, isPending, error, refetch } = useMe();
  const location = useLocation();

  if (isPending) {
    return (
      <Center h="100vh">
        <Loader aria-label="Loading" />
      </Center>
    );
  }
  if (error) return <ErrorState error={error} onRetry={() => refetch()} />;
  if (!me) {
    const next = encodeURIComponent(location.pathname + location.search);
    return <Navigate to={`/?next=${next}`} replace />;
  }
  if (me.mustChangePassword && location.pathname !== '/account/password') {
    return <Navigate to="/account/password?forced=1" replace />;
  }
  if (needsConsole && !hasConsoleAccess(me.permissions ?? [])) return <Navigate to="/account" replace />;
  return <>{children}</>;
}
