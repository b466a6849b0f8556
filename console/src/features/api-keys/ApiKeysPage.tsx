// System API keys (no owner): for integrations such as SCIM provisioning.
import { Button, Paper } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { modals } from '@mantine/modals';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../api/client';
import { describeError, unwrap } from '../../api/problem';
import { PageHeader } from '../../app/PageHeader';
import { ErrorState, Loading } from '../../app/states';
import { useMe } from '../auth/me';
import { type ApiKeyRow, ApiKeysTable } from './ApiKeysTable';
import { CreateApiKeyModal, type NewApiKey } from './CreateApiKeyModal';

const key = ['system-api-keys'] as const;

export function ApiKeysPage() {
  const client = useQueryClient();
  const { data: me } = useMe();
  const [creating, create] = useDisclosure();
  const { data, error, refetch } = useQuery({ queryKey: key, queryFn: () => unwrap(api.GET('/api/admin/api-keys')) });
  const revoke = useMutation({
    mutationFn: (id: string) => unwrap(api.DELETE('/api/admin/api-keys/{id}', { params: { path: { id } } })),
    onSuccess: () => client.invalidateQueries({ queryKey: key }),
  });

  const confirmRevoke = (row: ApiKeyRow) =>
    modals.openConfirmModal({
      title: `Revoke ${row.name}?`,
      children: 'Anything still using this key is refused from the next request on.',
      labels: { confirm: 'Revoke key', cancel: 'Cancel' },
      confirmProps: { color: 'red' },
      onConfirm: () =>
        revoke
          .mutateAsync(row.id)
          .catch((err: unknown) =>
            notifications.show({ color: 'red', title: 'Not revoked', message: describeError(err) }),
          ),
    });

  const items = (data?.items ?? []) as ApiKeyRow[];
  return (
    <>
      <PageHeader
        title="System API keys"
        description="Keys that belong to no person, for integrations such as SCIM provisioning."
        actions={<Button onClick={create.open}>New system key</Button>}
      />
      {error ? (
        <ErrorState error={error} onRetry={() => refetch()} />
      ) : !data ? (
        <Loading />
      ) : (
        <Paper withBorder>
          <ApiKeysTable keys={items} onRevoke={confirmRevoke} />
        </Paper>
      )}
      <CreateApiKeyModal
        opened={creating}
        onClose={create.close}
        grantable={me?.permissions ?? []}
        create={async (body: NewApiKey) => {
          const answer = await unwrap(api.POST('/api/admin/api-keys', { body: body as never }));
          await client.invalidateQueries({ queryKey: key });
          return answer as { secret: string };
        }}
      />
    </>
  );
}
