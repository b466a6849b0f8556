// Ends the current session on the server; the cookie goes with it.
import { api } from '../../api/client';

export function useSignOut(): () => Promise<void> {
  return async () => {
    // A failed logout (already expired session) still leaves the user signed out locally.
    await api.POST('/api/auth/logout').catch(() => undefined);
  };
}
