// The QR code (and typed secret) of a TOTP enrolment, and the code that confirms it; used in the account area
// and in the enrolment that a sign-in requires.
import { Button, Code, Group, Image, Stack, Text, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { describeError } from '../../api/problem';

export interface TotpEnrolmentStart {
  secret: string;
  otpauthUrl: string;
  qrSvg: string;
}

interface TotpQrStepProps {
  pending: TotpEnrolmentStart;
  confirm: (code: string) => Promise<void>;
  onCancel?: () => void;
}

/** SVG markup as a data URL for an <img>: never inserted into the page as HTML. */
function svgDataUrl(svg: string): string {
  return `data:image/svg+xml;base64,${btoa(unescape(encodeURIComponent(svg)))}`;
}

export function TotpQrStep({ pending, confirm, onCancel }: TotpQrStepProps) {
  const form = useForm({
    initialValues: { code: '' },
    validate: { code: (value) => (/^\d{6}$/.test(value.replace(/\s/g, '')) ? null : 'Enter the 6-digit code') },
  });

  const submit = form.onSubmit(async ({ code }) => {
    try {
      await confirm(code.replace(/\s/g, ''));
    } catch (error) {
      form.setFieldError('code', describeError(error));
    }
  });

  return (
    <form onSubmit={submit} noValidate>
      <Stack>
        <Text size="sm">Scan this code with an authenticator app (Aegis, Google Authenticator, 1Password…).</Text>
        <Image src={svgDataUrl(pending.qrSvg)} alt="QR code to scan with your authenticator app" w={200} h={200} />
        <Text size="sm">
          Cannot scan? Type this key: <Code data-testid="totp-secret">{pending.secret}</Code>
        </Text>
        <TextInput
          label="Code from the app"
          autoComplete="one-time-code"
          inputMode="numeric"
          maw={200}
          {...form.getInputProps('code')}
        />
        <Group>
          <Button type="submit" loading={form.submitting}>
            Turn on
          </Button>
          {onCancel && (
            <Button variant="default" onClick={onCancel}>
              Cancel
            </Button>
          )}
        </Group>
      </Stack>
    </form>
  );
}
