// Own API keys: create (secret shown once), list by prefix, revoke.
import { Button, Paper } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { modals } from '@mantine/modals';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../api/client';
import { unwrap } from '../../api/problem';
import { PageHeader } from '../../app/PageHeader';
import { ErrorState, Loading } from '../../app/states';
import { type ApiKeyRow, ApiKeysTable } from '../api-keys/ApiKeysTable';
import { CreateApiKeyModal, type NewApiKey } from '../api-keys/CreateApiKeyModal';
import { useMe } from '../auth/me';

const key = ['me', 'api-keys'] as const;

export function AccountApiKeysPage() {
  const client = useQueryClient();
  const { data: me } = useMe();
  const [creating, create] = useDisclosure();
  const { data, error, refetch } = useQuery({ queryKey: key, queryFn: () => unwrap(api.GET('/api/me/api-keys')) });
  const revoke = useMutation({
    mutationFn: (id: string) => unwrap(api.DELETE('/api/me/api-keys/{id}', { params: { path: { id } } })),
    onSuccess: () => client.invalidateQueries({ queryKey: key }),
  });
  const keys = ((Array.isArray(data) ? data : (data as { items?: ApiKeyRow[] } | undefined)?.items) ??
    []) as ApiKeyRow[];

  return (
    <>
      <PageHeader
        title="API keys"
        description="Keys act as you from scripts. They never hold more than you do."
        actions={<Button onClick={create.open}>New API key</Button>}
      />
      {error ? (
        <ErrorState error={error} onRetry={() => refetch()} />
      ) : !data ? (
        <Loading />
      ) : (
        <Paper withBorder>
          <ApiKeysTable
            keys={keys}
            onRevoke={(row) =>
              modals.openConfirmModal({
                title: `Revoke ${row.name}?`,
                children: 'Scripts using it stop working at once.',
                labels: { confirm: 'Revoke', cancel: 'Cancel' },
                confirmProps: { color: 'red' },
                onConfirm: () => revoke.mutate(row.id),
              })
            }
          />
        </Paper>
      )}
      <CreateApiKeyModal
        opened={creating}
        onClose={create.close}
        grantable={me?.permissions ?? []}
        create={async (body: NewApiKey) => {
          const answer = await unwrap(api.POST('/api/me/api-keys', { body: body as never }));
          await client.invalidateQueries({ queryKey: key });
          return answer as { secret: string };
        }}
      />
    </>
  );
}
