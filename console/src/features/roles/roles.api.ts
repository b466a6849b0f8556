// Roles: list, CRUD over /api/admin/roles; the permission names come from the API schema.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../api/client';
import { unwrap } from '../../api/problem';
import type { BodyOf, ItemOf } from '../../api/types';
import { usePermissions } from '../auth/me';

export type RoleItem = ItemOf<'/api/admin/roles'>;
export type RoleBody = BodyOf<'/api/admin/roles', 'post'>;
export const rolesKey = ['roles'] as const;

export function useRoles(enabled = true) {
  return useQuery({
    queryKey: rolesKey,
    queryFn: () => unwrap(api.GET('/api/admin/roles', { params: { query: { limit: 200 } as never } })),
    enabled,
  });
}

export function useRoleOptions(): Array<{ value: string; label: string }> | null {
  const { can } = usePermissions();
  const { data } = useRoles(can('roles:read'));
  if (!can('roles:read')) return null;
  return (data?.items ?? []).map((role) => ({ value: role.id, label: role.name }));
}

export function useSaveRole() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ id, body }: { id?: string; body: RoleBody }) =>
      id
        ? unwrap(api.PATCH('/api/admin/roles/{id}', { params: { path: { id } }, body: body as never }))
        : unwrap(api.POST('/api/admin/roles', { body })),
    onSuccess: () => client.invalidateQueries({ queryKey: rolesKey }),
  });
}

export function useDeleteRole() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => unwrap(api.DELETE('/api/admin/roles/{id}', { params: { path: { id } } })),
    onSuccess: () => client.invalidateQueries({ queryKey: rolesKey }),
  });
}
