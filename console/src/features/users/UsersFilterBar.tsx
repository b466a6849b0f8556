// Search box and filters of the users list: status, group, role, organization, folder and sort order.
import { Button, Collapse, Group, Loader, Select, TextInput } from '@mantine/core';
import { useDisclosure, useMediaQuery } from '@mantine/hooks';
import type { ReactNode } from 'react';
import { useGroupOptions } from '../groups/groups.api';
import { useOrganizationOptions } from '../organizations/organizations.api';
import { useRoleOptions } from '../roles/roles.api';
import { type UserFilters, useFolders } from './users.api';

const SORTS = [
  { value: '-createdAt', label: 'Newest first' },
  { value: 'createdAt', label: 'Oldest first' },
  { value: 'username', label: 'Username A–Z' },
  { value: '-username', label: 'Username Z–A' },
  { value: 'displayName', label: 'Name A–Z' },
  { value: '-lastLoginAt', label: 'Recently signed in' },
];

interface FilterBarProps {
  filters: UserFilters;
  onChange: (filters: UserFilters) => void;
  searching?: boolean;
}

export function UsersFilterBar({ filters, onChange, searching }: FilterBarProps) {
  const groups = useGroupOptions();
  const roles = useRoleOptions();
  const organizations = useOrganizationOptions();
  const folders = useFolders();
  const set = (patch: Partial<UserFilters>) => onChange({ ...filters, ...patch });
  // On a phone the filters fold away behind a button so the list stays in view.
  const isPhone = useMediaQuery('(max-width: 48em)');
  const [open, { toggle }] = useDisclosure(false);
  const active = [filters.status, filters.group, filters.role, filters.organization, filters.path].filter(
    Boolean,
  ).length;
  const fold = (children: ReactNode) =>
    isPhone ? (
      <>
        <Button variant="default" size="sm" onClick={toggle} aria-expanded={open} mt="xs">
          {active ? `Filters (${active})` : 'Filters and sort'}
        </Button>
        <Collapse expanded={open} w="100%">
          <Group gap="sm" align="flex-end" wrap="wrap">
            {children}
          </Group>
        </Collapse>
      </>
    ) : (
      children
    );

  return (
    <Group gap="sm" mb="sm" align="flex-end" wrap="wrap">
      <TextInput
        label="Search"
        placeholder="Name, username or email"
        value={filters.q ?? ''}
        onChange={(event) => set({ q: event.currentTarget.value })}
        rightSection={searching ? <Loader size="xs" /> : null}
        w={{ base: '100%', sm: 260 }}
        type="search"
      />
      {fold(
        <>
          <Select
            label="Status"
            placeholder="Any"
            clearable
            data={[
              { value: 'active', label: 'Active' },
              { value: 'disabled', label: 'Disabled' },
              { value: 'invited', label: 'Invited' },
            ]}
            value={filters.status ?? null}
            onChange={(value) => set({ status: (value ?? undefined) as UserFilters['status'] })}
            w={{ base: '47%', sm: 130 }}
          />
          {groups && (
            <Select
              label="Group"
              placeholder="Any"
              clearable
              searchable
              data={groups}
              value={filters.group ?? null}
              onChange={(value) => set({ group: value ?? undefined })}
              w={{ base: '47%', sm: 160 }}
            />
          )}
          {roles && (
            <Select
              label="Role"
              placeholder="Any"
              clearable
              searchable
              data={roles}
              value={filters.role ?? null}
              onChange={(value) => set({ role: value ?? undefined })}
              w={{ base: '47%', sm: 140 }}
            />
          )}
          {organizations && (
            <Select
              label="Organization"
              placeholder="Any"
              clearable
              searchable
              data={organizations}
              value={filters.organization ?? null}
              onChange={(value) => set({ organization: value ?? undefined })}
              w={{ base: '47%', sm: 160 }}
            />
          )}
          <Select
            label="Folder"
            placeholder="Any"
            clearable
            searchable
            data={(folders.data?.items ?? []).map((folder) => ({
              value: folder.path,
              label: `${folder.path} (${folder.total})`,
            }))}
            value={filters.path ?? null}
            onChange={(value) => set({ path: value ?? undefined })}
            w={{ base: '47%', sm: 170 }}
          />
          <Select
            label="Sort"
            data={SORTS}
            value={filters.sort ?? '-createdAt'}
            onChange={(value) => set({ sort: value ?? '-createdAt' })}
            allowDeselect={false}
            w={{ base: '47%', sm: 170 }}
          />
        </>,
      )}
    </Group>
  );
}
