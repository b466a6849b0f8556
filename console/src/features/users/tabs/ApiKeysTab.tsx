// The user's personal API keys, as an administrator sees them (prefix only), with revoke.
import { Paper } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../api/client';
import { unwrap } from '../../../api/problem';
import { ErrorState, Loading } from '../../../app/states';
import { type ApiKeyRow, ApiKeysTable } from '../../api-keys/ApiKeysTable';

export function ApiKeysTab({ userId }: { userId: string }) {
  const client = useQueryClient();
  const key = ['users', 'one', userId, 'api-keys'];
  const { data, error, refetch } = useQuery({
    queryKey: key,
    queryFn: () => unwrap(api.GET('/api/admin/api-keys', { params: { query: { ownerId: userId } as never } })),
  });
  const revoke = useMutation({
    mutationFn: (id: string) => unwrap(api.DELETE('/api/admin/api-keys/{id}', { params: { path: { id } } })),
    onSuccess: () => client.invalidateQueries({ queryKey: key }),
  });
  if (error) return <ErrorState error={error} onRetry={() => refetch()} />;
  if (!data) return <Loading />;
  return (
    <Paper withBorder>
      <ApiKeysTable keys={(data.items ?? []) as ApiKeyRow[]} onRevoke={(row) => revoke.mutate(row.id)} />
    </Paper>
  );
}
