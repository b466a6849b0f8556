// Edit a user in a side drawer; the same fields and server messages as the create form.
import { Alert, Button, Drawer, Group } from '@mantine/core';
import { useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import { useState } from 'react';
import { fieldErrors } from '../../api/problem';
import { focusFirstInvalid } from '../../app/focus';
import { UserFields } from './UserFields';
import { clientValidation, formToBody, userFormFields, userToForm } from './userForm';
import { type User, useUpdateUser } from './users.api';

export function EditUserDrawer({ user, onClose }: { user: User; onClose: () => void }) {
  const update = useUpdateUser(user.id);
  const [failure, setFailure] = useState<string[]>([]);
  const form = useForm({ initialValues: userToForm(user), validate: clientValidation });

  const submit = form.onSubmit(async (values) => {
    setFailure([]);
    try {
      await update.mutateAsync(formToBody(values));
      notifications.show({ color: 'green', title: 'Saved', message: `${values.username} was updated.` });
      onClose();
    } catch (error) {
      const { fields, rest } = fieldErrors(error, userFormFields);
      form.setErrors(fields);
      focusFirstInvalid();
      setFailure(rest);
    }
  });

  return (
    <Drawer opened onClose={onClose} title={`Edit ${user.username}`} position="right" size="xl">
      <form onSubmit={submit} noValidate>
        {failure.length > 0 && (
          <Alert color="red" mb="md" role="alert">
            {failure.join(' ')}
          </Alert>
        )}
        <UserFields form={form} mode="edit" />
        <Group justify="flex-end" mt="md">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button type="submit" loading={update.isPending}>
            Save
          </Button>
        </Group>
      </form>
    </Drawer>
  );
}
