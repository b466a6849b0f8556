// Sign-in methods: authenticator apps, recovery codes, phone verification and SMS as a second factor.
import { Badge, Button, Paper, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api } from '../../api/client';
import { unwrap } from '../../api/problem';
import { formatDate } from '../../app/format';
import { PageHeader } from '../../app/PageHeader';
import { PhoneAndSms } from './PhoneAndSms';
import { type Proof, ProofModal } from './ProofModal';
import { RecoveryCodes } from './RecoveryCodes';
import { TotpEnrolment } from './TotpEnrolment';

export const mfaKey = ['me', 'mfa'] as const;

type Pending = { kind: 'remove'; id: string; label: string } | { kind: 'codes' } | null;

export function SecurityPage() {
  const client = useQueryClient();
  const [codes, setCodes] = useState<string[] | null>(null);
  const [pending, setPending] = useState<Pending>(null);
  const { data } = useQuery({ queryKey: mfaKey, queryFn: () => unwrap(api.GET('/api/me/mfa')) });
  const rows = data?.items ?? [];
  const refresh = () => client.invalidateQueries({ queryKey: ['me'] });

  const remove = async (id: string, proof: Proof) => {
    const answer = await unwrap(api.DELETE('/api/me/mfa/{id}', { params: { path: { id } }, body: proof }));
    await refresh();
    notifications.show({
      color: 'green',
      title: 'Sign-in method removed',
      message: answer.mfaEnabled ? '' : 'Two-step verification is now off for your account.',
    });
  };
  const renew = async (proof: Proof) => {
    const answer = await unwrap(api.POST('/api/me/mfa/recovery-codes', { body: proof }));
    setCodes(answer.recoveryCodes);
    await refresh();
  };

  return (
    <>
      <PageHeader
        title="Sign-in methods"
        description="Two-step verification keeps your account safe if your password leaks."
      />
      <SimpleGrid cols={{ base: 1, lg: 2 }}>
        <Stack>
          <TotpEnrolment enrolled={rows.some((row) => row.type === 'totp')} />
          <PhoneAndSms smsEnabled={data?.smsEnabled ?? false} />
        </Stack>
        <Stack>
          <Paper withBorder p="md">
            <Title order={2} size="h4" mb="xs">
              Your second factors
            </Title>
            {rows.length === 0 ? (
              <Text size="sm" c="dimmed">
                None yet: you sign in with your password only.
              </Text>
            ) : (
              <Table aria-label="Your second factors">
                <Table.Tbody>
                  {rows.map((row) => (
                    <Table.Tr key={row.id}>
                      <Table.Td>
                        <Badge variant="light">{row.type}</Badge>
                      </Table.Td>
                      <Table.Td>{row.label ?? ''}</Table.Td>
                      <Table.Td>{`added ${formatDate(row.createdAt)}`}</Table.Td>
                      <Table.Td>
                        <Button
                          size="xs"
                          variant="subtle"
                          color="red"
                          onClick={() => setPending({ kind: 'remove', id: row.id, label: row.label ?? row.type })}
                        >
                          Remove
                        </Button>
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            )}
          </Paper>
          {rows.length > 0 && (
            <Paper withBorder p="md">
              <Title order={2} size="h4" mb="xs">
                Recovery codes
              </Title>
              {codes ? (
                <RecoveryCodes codes={codes} onDone={() => setCodes(null)} />
              ) : (
                <Stack align="flex-start">
                  <Text size="sm">
                    {data?.recoveryCodesRemaining ?? 0} unused codes left. New codes replace every old one.
                  </Text>
                  <Button variant="default" onClick={() => setPending({ kind: 'codes' })}>
                    Make new recovery codes
                  </Button>
                </Stack>
              )}
            </Paper>
          )}
        </Stack>
      </SimpleGrid>
      {pending?.kind === 'remove' && (
        <ProofModal
          title={`Remove ${pending.label}?`}
          explanation="You will no longer be able to sign in with it. Confirm it is you."
          confirmLabel="Remove"
          offerEndSessions
          onClose={() => setPending(null)}
          action={(proof) => remove(pending.id, proof)}
        />
      )}
      {pending?.kind === 'codes' && (
        <ProofModal
          title="New recovery codes"
          explanation="Every old code stops working. Confirm it is you."
          confirmLabel="Make new codes"
          offerEndSessions
          onClose={() => setPending(null)}
          action={renew}
        />
      )}
    </>
  );
}
