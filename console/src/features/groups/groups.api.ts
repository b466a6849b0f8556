// Groups: list, tree building, CRUD and membership over /api/admin/groups.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../api/client';
import { unwrap } from '../../api/problem';
import type { BodyOf, ItemOf } from '../../api/types';
import { usePermissions } from '../auth/me';

export type GroupItem = ItemOf<'/api/admin/groups'>;
export type GroupBody = BodyOf<'/api/admin/groups', 'post'>;
export const groupsKey = ['groups'] as const;

export function useGroups(enabled = true) {
  return useQuery({
    queryKey: groupsKey,
    queryFn: () => unwrap(api.GET('/api/admin/groups', { params: { query: { limit: 200 } as never } })),
    enabled,
  });
}

/** Select options of every group by path, or null when the user may not read groups. */
export function useGroupOptions(): Array<{ value: string; label: string }> | null {
  const { can } = usePermissions();
  const { data } = useGroups(can('groups:read'));
  if (!can('groups:read')) return null;
  return (data?.items ?? []).map((group) => ({ value: group.id, label: group.path || group.name }));
}

export interface GroupNode {
  group: GroupItem;
  children: GroupNode[];
}

/** Nests groups under their parents; a group whose parent is not in the list becomes a root. */
export function buildTree(groups: GroupItem[]): GroupNode[] {
  const nodes = new Map(groups.map((group) => [group.id, { group, children: [] as GroupNode[] }]));
  const roots: GroupNode[] = [];
  for (const node of nodes.values()) {
    const parent = node.group.parentId ? nodes.get(node.group.parentId) : undefined;
    (parent ? parent.children : roots).push(node);
  }
  const sort = (list: GroupNode[]) => {
    list.sort((a, b) => a.group.name.localeCompare(b.group.name));
    for (const node of list) sort(node.children);
  };
  sort(roots);
  return roots;
}

export function useSaveGroup() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ id, body }: { id?: string; body: GroupBody }) =>
      id
        ? unwrap(api.PATCH('/api/admin/groups/{id}', { params: { path: { id } }, body: body as never }))
        : unwrap(api.POST('/api/admin/groups', { body })),
    onSuccess: () => client.invalidateQueries({ queryKey: groupsKey }),
  });
}

export function useDeleteGroup() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => unwrap(api.DELETE('/api/admin/groups/{id}', { params: { path: { id } } })),
    onSuccess: () => client.invalidateQueries({ queryKey: groupsKey }),
  });
}
