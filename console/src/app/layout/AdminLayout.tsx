// The console frame: only the sections the signed-in user may open appear in the navigation.
import { usePermissions } from '../../features/auth/me';
import { adminNav } from './nav';
import { Shell } from './Shell';

export function AdminLayout() {
  const { can } = usePermissions();
  return <Shell title="Admin console" items={adminNav.filter((item) => can(item.permission))} />;
}
