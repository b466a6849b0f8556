// Reads a token from the URL once and removes it from the address bar and history (ASVS 3.7.2).
import { useState } from 'react';

/** The token from a path segment when given, else from `?token=`; kept in memory only. */
export function useUrlToken(fromPath?: string): string {
  const [token] = useState(() => {
    if (fromPath) return fromPath;
    const url = new URL(window.location.href);
    const value = url.searchParams.get('token') ?? '';
    if (value) {
      url.searchParams.delete('token');
      window.history.replaceState(window.history.state, '', url.pathname + url.search);
    }
    return value;
  });
  return token;
}
