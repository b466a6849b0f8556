// Form state of the create and edit user forms, and its translation to the API body.
import type { UseFormReturnType } from '@mantine/form';
import type { User } from './users.api';

export interface UserFormValues {
  username: string;
  displayName: string;
  email: string;
  phone: string;
  department: string;
  description: string;
  comments: string;
  attributes: string;
  path: string;
  type: 'internal' | 'external';
  status: 'active' | 'disabled';
  password: string;
  confirmPassword: string;
  mustChangePassword: boolean;
}

export type UserForm = UseFormReturnType<UserFormValues>;

/** Fields that server validation errors can be shown next to. */
export const userFormFields = [
  'username',
  'displayName',
  'email',
  'phone',
  'department',
  'description',
  'comments',
  'attributes',
  'path',
  'type',
  'status',
  'password',
  'mustChangePassword',
] as const;

export function emptyUserForm(): UserFormValues {
  return {
    username: '',
    displayName: '',
    email: '',
    phone: '',
    department: '',
    description: '',
    comments: '',
    attributes: '{}',
    path: 'users',
    type: 'internal',
    status: 'active',
    password: '',
    confirmPassword: '',
    mustChangePassword: true,
  };
}

export function userToForm(user: User): UserFormValues {
  return {
    ...emptyUserForm(),
    username: user.username,
    displayName: user.displayName ?? '',
    email: user.email ?? '',
    phone: user.phone ?? '',
    department: user.department ?? '',
    description: user.description ?? '',
    comments: user.comments ?? '',
    attributes: JSON.stringify(user.attributes ?? {}, null, 2),
    path: user.path,
    type: user.type,
    status: user.status === 'disabled' ? 'disabled' : 'active',
    mustChangePassword: user.mustChangePassword,
  };
}

/** Only what the browser can know for sure is checked here; every other rule is the server's, shown as it says. */
export const clientValidation = {
  username: (value: string) => (value.trim() ? null : 'Enter a username'),
  confirmPassword: (value: string, values: UserFormValues) =>
    value === values.password ? null : 'The two passwords are not the same',
  attributes: (value: string) => {
    if (!value.trim()) return null;
    try {
      const parsed: unknown = JSON.parse(value);
      return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? null : 'Attributes must be a JSON object';
    } catch {
      return 'Attributes must be valid JSON, for example {"employeeId": "42"}';
    }
  },
};

const orNull = (value: string): string | null => (value.trim() ? value.trim() : null);

/** The API body; empty optional text becomes null, an empty password is left out (kept on edit). */
export function formToBody(values: UserFormValues) {
  return {
    username: values.username.trim(),
    displayName: orNull(values.displayName),
    email: orNull(values.email),
    phone: orNull(values.phone),
    department: orNull(values.department),
    description: orNull(values.description),
    comments: orNull(values.comments),
    attributes: values.attributes.trim() ? (JSON.parse(values.attributes) as Record<string, never>) : {},
    path: values.path.trim() || 'users',
    type: values.type,
    mustChangePassword: values.mustChangePassword,
    ...(values.password ? { password: values.password } : {}),
  };
}
