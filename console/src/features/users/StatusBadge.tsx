// Coloured badge for a user's status.
import { Badge } from '@mantine/core';

const COLORS: Record<string, string> = { active: 'green', disabled: 'gray', invited: 'blue' };

export function StatusBadge({ status }: { status: string }) {
  return (
    <Badge color={COLORS[status] ?? 'gray'} variant="light">
      {status}
    </Badge>
  );
}
