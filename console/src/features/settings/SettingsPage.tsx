// Settings: every run-time setting, saved as a PATCH of the changed ones; read-only without settings:write.
import { Alert, Button, Group, NumberInput, Paper, Select, SimpleGrid, Stack, Switch, Title } from '@mantine/core';
import { useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { api } from '../../api/client';
import { fieldErrors, unwrap } from '../../api/problem';
import { PageHeader } from '../../app/PageHeader';
import { ErrorState, Loading } from '../../app/states';
import { usePermissions } from '../auth/me';
import { useGroupOptions } from '../groups/groups.api';
import { type SettingField, settingSections } from './settingsFields';

type Values = Record<string, unknown>;
const key = ['settings'] as const;
const names = settingSections.flatMap((section) => section.fields.map((field) => field.name));

export function SettingsPage() {
  const { data, error, refetch } = useQuery({ queryKey: key, queryFn: () => unwrap(api.GET('/api/admin/settings')) });
  if (error) return <ErrorState error={error} onRetry={() => refetch()} />;
  if (!data) return <Loading />;
  return <SettingsForm initial={data as Values} />;
}

function SettingsForm({ initial }: { initial: Values }) {
  const client = useQueryClient();
  const { can } = usePermissions();
  const groups = useGroupOptions();
  const editable = can('settings:write');
  const [failure, setFailure] = useState<string[]>([]);
  const form = useForm<Values>({ initialValues: initial });
  // biome-ignore lint/correctness/useExhaustiveDependencies: reset only when the server copy changes
  useEffect(() => {
    form.setInitialValues(initial);
    form.setValues(initial);
  }, [initial]);

  const submit = form.onSubmit(async (values) => {
    setFailure([]);
    const changed = Object.fromEntries(
      names.filter((name) => values[name] !== initial[name]).map((name) => [name, values[name]]),
    );
    try {
      const saved = await unwrap(api.PATCH('/api/admin/settings', { body: changed as never }));
      client.setQueryData(key, saved);
      notifications.show({
        color: 'green',
        title: 'Settings saved',
        message: `${Object.keys(changed).length} changed.`,
      });
    } catch (error) {
      const { fields, rest } = fieldErrors(error, names);
      form.setErrors(fields);
      setFailure(rest);
    }
  });

  const input = (field: SettingField) => {
    const common = { label: field.label, description: field.description, disabled: !editable, key: field.name };
    if (field.kind === 'switch')
      return <Switch {...common} {...form.getInputProps(field.name, { type: 'checkbox' })} />;
    if (field.kind === 'mfa') {
      const data = [
        { value: 'off', label: 'Nobody (optional for everyone)' },
        { value: 'admins', label: 'Administrators' },
        { value: 'all', label: 'Everyone' },
      ];
      return <Select {...common} data={data} allowDeselect={false} {...form.getInputProps(field.name)} />;
    }
    if (field.kind === 'group') {
      return (
        <Select
          {...common}
          data={groups ?? []}
          clearable
          searchable
          placeholder="None"
          {...form.getInputProps(field.name)}
        />
      );
    }
    return (
      <NumberInput
        {...common}
        min={1}
        allowDecimal={false}
        suffix={field.unit ? ` ${field.unit}` : undefined}
        {...form.getInputProps(field.name)}
      />
    );
  };

  return (
    <>
      <PageHeader
        title="Settings"
        description={editable ? undefined : 'You can view these settings but not change them.'}
      />
      <form onSubmit={submit} noValidate aria-label="Settings">
        <Stack>
          {failure.length > 0 && (
            <Alert color="red" role="alert">
              {failure.join(' ')}
            </Alert>
          )}
          {settingSections.map((section) => (
            <Paper withBorder p="md" key={section.title}>
              <Title order={2} size="h4" mb="sm">
                {section.title}
              </Title>
              <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="md">
                {section.fields.filter((field) => field.name in initial).map(input)}
              </SimpleGrid>
            </Paper>
          ))}
          {editable && (
            <Group justify="flex-end" pos="sticky" bottom={0} py="sm" bg="var(--mantine-color-body)">
              <Button variant="default" disabled={!form.isDirty()} onClick={() => form.reset()}>
                Discard changes
              </Button>
              <Button type="submit" disabled={!form.isDirty()} loading={form.submitting}>
                Save settings
              </Button>
            </Group>
          )}
        </Stack>
      </form>
    </>
  );
}
