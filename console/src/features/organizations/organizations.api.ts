// Organizations: list and CRUD over /api/admin/organizations.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../api/client';
import { unwrap } from '../../api/problem';
import type { BodyOf, ItemOf } from '../../api/types';
import { usePermissions } from '../auth/me';

export type OrganizationItem = ItemOf<'/api/admin/organizations'>;
export type OrganizationBody = BodyOf<'/api/admin/organizations', 'post'>;
export const organizationsKey = ['organizations'] as const;

export function useOrganizations(q = '', enabled = true) {
  return useQuery({
    queryKey: [...organizationsKey, q],
    queryFn: () =>
      unwrap(api.GET('/api/admin/organizations', { params: { query: { limit: 200, q: q || undefined } as never } })),
    enabled,
  });
}

export function useOrganizationOptions(): Array<{ value: string; label: string }> | null {
  const { can } = usePermissions();
  const { data } = useOrganizations('', can('organizations:read'));
  if (!can('organizations:read')) return null;
  return (data?.items ?? []).map((org) => ({ value: org.id, label: org.name }));
}

export function useSaveOrganization() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ id, body }: { id?: string; body: OrganizationBody }) =>
      id
        ? unwrap(api.PATCH('/api/admin/organizations/{id}', { params: { path: { id } }, body: body as never }))
        : unwrap(api.POST('/api/admin/organizations', { body })),
    onSuccess: () => client.invalidateQueries({ queryKey: organizationsKey }),
  });
}

export function useDeleteOrganization() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => unwrap(api.DELETE('/api/admin/organizations/{id}', { params: { path: { id } } })),
    onSuccess: () => client.invalidateQueries({ queryKey: organizationsKey }),
  });
}
