// A searchable select of users, asking the server as the user types.
import { Select } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useState } from 'react';
import { useUsers } from './users.api';

interface UserPickerProps {
  label: string;
  value: string | null;
  onChange: (id: string | null) => void;
  exclude?: string[];
  error?: string;
}

export function UserPicker({ label, value, onChange, exclude = [], error }: UserPickerProps) {
  const [search, setSearch] = useState('');
  const [q] = useDebouncedValue(search, 250);
  const { data, isFetching } = useUsers({ q, limit: 20 });
  const options = (data?.items ?? [])
    .filter((user) => !exclude.includes(user.id))
    .map((user) => ({
      value: user.id,
      label: user.displayName ? `${user.displayName} (${user.username})` : user.username,
    }));

  return (
    <Select
      label={label}
      placeholder="Type a name"
      searchable
      clearable
      data={options}
      value={value}
      onChange={onChange}
      searchValue={search}
      onSearchChange={setSearch}
      filter={({ options: all }) => all}
      nothingFoundMessage={isFetching ? 'Searching…' : 'No user matches'}
      error={error}
    />
  );
}
