// Users: queries and mutations over /api/admin/users, shared by the list, the form and the detail page.
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../api/client';
import { unwrap } from '../../api/problem';
import type { Answer, BodyOf, ItemOf } from '../../api/types';

export type User = Answer<'/api/admin/users/{id}', 'get'>;
export type UserListItem = ItemOf<'/api/admin/users'>;
export type CreateUserBody = BodyOf<'/api/admin/users', 'post'>;
export type UpdateUserBody = BodyOf<'/api/admin/users/{id}', 'patch'>;
export type BulkAction = 'delete' | 'disable' | 'enable';

export interface UserFilters {
  q?: string;
  status?: 'active' | 'disabled' | 'invited';
  group?: string;
  role?: string;
  organization?: string;
  path?: string;
  sort?: string;
  cursor?: string;
  limit?: number;
}

export const usersKey = ['users'] as const;

function clean<T extends object>(filters: T): T {
  return Object.fromEntries(Object.entries(filters).filter(([, value]) => value !== undefined && value !== '')) as T;
}

export function useUsers(filters: UserFilters) {
  return useQuery({
    queryKey: [...usersKey, 'list', clean(filters)],
    queryFn: ({ signal }) =>
      unwrap(api.GET('/api/admin/users', { params: { query: clean(filters) as never }, signal })),
    placeholderData: keepPreviousData,
  });
}

export function useUser(id: string) {
  return useQuery({
    queryKey: [...usersKey, 'one', id],
    queryFn: () => unwrap(api.GET('/api/admin/users/{id}', { params: { path: { id } } })),
  });
}

/** Any change to users invalidates every cached list and the changed user. */
function useInvalidateUsers() {
  const client = useQueryClient();
  return () => client.invalidateQueries({ queryKey: usersKey });
}

export function useCreateUser() {
  const invalidate = useInvalidateUsers();
  return useMutation({
    mutationFn: (body: CreateUserBody) => unwrap(api.POST('/api/admin/users', { body })),
    onSuccess: invalidate,
  });
}

export function useUpdateUser(id: string) {
  const invalidate = useInvalidateUsers();
  return useMutation({
    mutationFn: (body: UpdateUserBody) =>
      unwrap(api.PATCH('/api/admin/users/{id}', { params: { path: { id } }, body })),
    onSuccess: invalidate,
  });
}

export function useSetStatus(id: string) {
  const invalidate = useInvalidateUsers();
  return useMutation({
    mutationFn: (action: 'disable' | 'enable') =>
      action === 'disable'
        ? unwrap(api.POST('/api/admin/users/{id}/disable', { params: { path: { id } } }))
        : unwrap(api.POST('/api/admin/users/{id}/enable', { params: { path: { id } } })),
    onSuccess: invalidate,
  });
}

export function useDeleteUser() {
  const invalidate = useInvalidateUsers();
  return useMutation({
    mutationFn: (id: string) => unwrap(api.DELETE('/api/admin/users/{id}', { params: { path: { id } } })),
    onSuccess: invalidate,
  });
}

export function useBulkUsers() {
  const invalidate = useInvalidateUsers();
  return useMutation({
    mutationFn: (body: { action: BulkAction; ids: string[] }) => unwrap(api.POST('/api/admin/users/bulk', { body })),
    onSettled: invalidate,
  });
}

/** Folders that hold users, with counts, for the folder filter. */
export function useFolders() {
  return useQuery({
    queryKey: [...usersKey, 'folders'],
    queryFn: () => unwrap(api.GET('/api/admin/users/folders')),
    staleTime: 60_000,
  });
}
