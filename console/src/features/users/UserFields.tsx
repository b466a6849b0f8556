// The inputs of a user, shared by the create and edit forms; every input has a visible label.
import {
  Checkbox,
  Fieldset,
  PasswordInput,
  SegmentedControl,
  SimpleGrid,
  Stack,
  Text,
  Textarea,
  TextInput,
} from '@mantine/core';
import type { UserForm } from './userForm';

interface UserFieldsProps {
  form: UserForm;
  mode: 'create' | 'edit';
}

export function UserFields({ form, mode }: UserFieldsProps) {
  return (
    <Stack gap="md">
      <Fieldset legend="Identity">
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          <TextInput label="Username" withAsterisk autoComplete="off" {...form.getInputProps('username')} />
          <TextInput label="Display name" autoComplete="off" {...form.getInputProps('displayName')} />
          <TextInput label="Email" type="email" autoComplete="off" {...form.getInputProps('email')} />
          <TextInput
            label="Phone"
            type="tel"
            description="International format, for example +41 44 668 18 00"
            autoComplete="off"
            {...form.getInputProps('phone')}
          />
          <TextInput label="Department" {...form.getInputProps('department')} />
          <TextInput
            label="Folder"
            description="Where the user is filed, like users/staff"
            {...form.getInputProps('path')}
          />
        </SimpleGrid>
        <Stack gap={4} mt="sm">
          <Text size="sm" fw={500} id="user-type-label">
            Type
          </Text>
          <SegmentedControl
            aria-labelledby="user-type-label"
            data={[
              { value: 'internal', label: 'Internal' },
              { value: 'external', label: 'External' },
            ]}
            {...form.getInputProps('type')}
            w="fit-content"
          />
        </Stack>
      </Fieldset>
      <Fieldset legend={mode === 'create' ? 'Password' : 'Password (leave blank to keep the current one)'}>
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          <PasswordInput label="Password" autoComplete="new-password" {...form.getInputProps('password')} />
          <PasswordInput
            label="Confirm password"
            autoComplete="new-password"
            {...form.getInputProps('confirmPassword')}
          />
        </SimpleGrid>
        <Checkbox
          mt="sm"
          label="Must change the password at next sign-in"
          {...form.getInputProps('mustChangePassword', { type: 'checkbox' })}
        />
        {mode === 'create' && (
          <Checkbox
            mt="xs"
            label="Create the account disabled"
            checked={form.values.status === 'disabled'}
            onChange={(event) => form.setFieldValue('status', event.currentTarget.checked ? 'disabled' : 'active')}
          />
        )}
      </Fieldset>
      <Fieldset legend="Notes">
        <Stack gap="sm">
          <Textarea label="Description" autosize minRows={2} {...form.getInputProps('description')} />
          <Textarea
            label="Comments"
            description="Only administrators see these."
            autosize
            minRows={2}
            {...form.getInputProps('comments')}
          />
          <Textarea
            label="Attributes"
            description="A JSON object of custom fields."
            autosize
            minRows={3}
            styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)' } }}
            {...form.getInputProps('attributes')}
          />
        </Stack>
      </Fieldset>
    </Stack>
  );
}
