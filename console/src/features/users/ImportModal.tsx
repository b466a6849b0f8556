// Bulk import from a CSV or JSON file: check it first (dry run), then import; refused lines are listed by number.
import { Alert, Button, FileInput, Group, List, Modal, SimpleGrid, Stack, Text } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api } from '../../api/client';
import { describeError, unwrap } from '../../api/problem';
import type { Answer } from '../../api/types';
import { usersKey } from './users.api';

type ImportResult = Answer<'/api/admin/import', 'post'>;

function Count({ label, value }: { label: string; value: number }) {
  return (
    <Stack gap={0} align="center">
      <Text fw={700} size="xl">
        {value}
      </Text>
      <Text size="xs" c="dimmed">
        {label}
      </Text>
    </Stack>
  );
}

export function ImportModal({ onClose }: { onClose: () => void }) {
  const client = useQueryClient();
  const [file, setFile] = useState<File | null>(null);
  const [result, setResult] = useState<ImportResult | null>(null);
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);

  const run = async (dryRun: boolean) => {
    if (!file) return setFailure('Choose a CSV or JSON file first.');
    setBusy(true);
    setFailure(null);
    try {
      const text = await file.text();
      const csv = !/\.json$/i.test(file.name);
      const answer = await unwrap(
        api.POST('/api/admin/import', {
          params: { query: { dryRun: dryRun ? 'true' : 'false' } },
          body: text as never,
          bodySerializer: (body: unknown) => body as string,
          headers: { 'content-type': csv ? 'text/csv' : 'application/json' },
        }),
      );
      setResult(answer);
      if (!dryRun) await client.invalidateQueries({ queryKey: usersKey });
    } catch (error) {
      setFailure(describeError(error));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal opened onClose={onClose} title="Import users" size="lg">
      <Stack>
        <Text size="sm">
          A CSV file with a header row (username, email, displayName, groups…) or the JSON of an export. Groups a row
          names are created when missing.
        </Text>
        <FileInput
          label="File"
          placeholder="Choose a .csv or .json file"
          accept=".csv,.json,text/csv,application/json"
          value={file}
          onChange={(chosen) => {
            setFile(chosen);
            setResult(null);
          }}
          clearable
        />
        {failure && (
          <Alert color="red" role="alert">
            {failure}
          </Alert>
        )}
        {result && (
          <Alert
            color={result.refusedTotal ? 'yellow' : 'green'}
            title={result.dryRun ? 'Check only: nothing changed yet' : 'Imported'}
          >
            <SimpleGrid cols={4} my="xs">
              <Count label="created" value={result.created} />
              <Count label="updated" value={result.updated} />
              <Count label="unchanged" value={result.unchanged} />
              <Count label="refused" value={result.refusedTotal} />
            </SimpleGrid>
            {result.refused.length > 0 && (
              <List size="sm" spacing={2} data-testid="import-refused">
                {result.refused.slice(0, 20).map((item) => (
                  <List.Item key={`${item.line}-${item.reason}`}>
                    Line {item.line}: {item.reason}
                  </List.Item>
                ))}
                {result.refusedTotal > 20 && <List.Item>and {result.refusedTotal - 20} more</List.Item>}
              </List>
            )}
          </Alert>
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            {result && !result.dryRun ? 'Close' : 'Cancel'}
          </Button>
          <Button variant="light" onClick={() => run(true)} loading={busy} disabled={!file}>
            Check file
          </Button>
          <Button onClick={() => run(false)} loading={busy} disabled={!file || (result !== null && !result.dryRun)}>
            Import
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
