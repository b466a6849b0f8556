// Create user: every field, confirm-password, and the server's validation messages next to their fields.
import { Alert, Button, Group } from '@mantine/core';
import { useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import { useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { fieldErrors } from '../../api/problem';
import { focusFirstInvalid } from '../../app/focus';
import { PageHeader } from '../../app/PageHeader';
import { UserFields } from './UserFields';
import { clientValidation, emptyUserForm, formToBody, userFormFields } from './userForm';
import { useCreateUser } from './users.api';

export function UserCreatePage() {
  const navigate = useNavigate();
  const create = useCreateUser();
  const [failure, setFailure] = useState<string[]>([]);
  const form = useForm({ initialValues: emptyUserForm(), validate: clientValidation });

  const submit = form.onSubmit(async (values) => {
    setFailure([]);
    try {
      const user = await create.mutateAsync({ ...formToBody(values), status: values.status });
      notifications.show({ color: 'green', title: 'User created', message: `${user.username} can now be managed.` });
      navigate(`/admin/users/${user.id}`);
    } catch (error) {
      const { fields, rest } = fieldErrors(error, userFormFields);
      form.setErrors(fields);
      focusFirstInvalid();
      setFailure(rest);
    }
  });

  return (
    <>
      <PageHeader title="Create user" />
      <form onSubmit={submit} noValidate aria-label="Create user">
        {failure.length > 0 && (
          <Alert color="red" mb="md" role="alert" title="The user was not created">
            {failure.join(' ')}
          </Alert>
        )}
        <UserFields form={form} mode="create" />
        <Group justify="flex-end" mt="md">
          <Button variant="default" component={Link} to="/admin/users">
            Cancel
          </Button>
          <Button type="submit" loading={create.isPending}>
            Create user
          </Button>
        </Group>
      </form>
    </>
  );
}
