// The account area frame: the user's own profile, password, sign-in methods, sessions and keys.
import { accountNav } from './nav';
import { Shell } from './Shell';

export function AccountLayout() {
  return <Shell title="My account" items={accountNav} />;
}
