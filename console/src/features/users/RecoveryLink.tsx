// A recovery link to hand over by another channel: shown once, with a copy button and its expiry.
import { Button, Code, CopyButton, Group, Stack, Text } from '@mantine/core';
import { formatDate } from '../../app/format';

export function RecoveryLink({ url, expiresAt }: { url: string; expiresAt: string }) {
  return (
    <Stack>
      <Text size="sm">
        Give this link to the user by a channel you trust. It works once, until {formatDate(expiresAt)}.
      </Text>
      <Code block style={{ wordBreak: 'break-all', whiteSpace: 'pre-wrap' }} data-testid="recovery-link">
        {url}
      </Code>
      <Group justify="flex-end">
        <CopyButton value={url}>
          {({ copied, copy }) => <Button onClick={copy}>{copied ? 'Copied' : 'Copy link'}</Button>}
        </CopyButton>
      </Group>
    </Stack>
  );
}
