/**
 * Message templates: a plain-text and an HTML body for each kind of mail. Links come only from
 * GATEHOUSE_PUBLIC_URL (never from a request's Host or X-Forwarded-Host). User-controlled text is HTML-escaped
 * and never reaches a header; no secret beyond the one-time link is ever included.
 */
import type { OutgoingMail } from './mailer.ts';

export const productName = 'Gatehouse';

export type Template =
  | { kind: 'invitation'; url: string; expiresAt: string; invitedBy: string | null }
  | { kind: 'recovery'; url: string; expiresAt: string; username: string }
  | { kind: 'verify-email'; url: string; expiresAt: string; username: string }
  | { kind: 'email-change'; url: string; expiresAt: string; username: string }
  | { kind: 'email-changed'; username: string; newEmail: string }
  | { kind: 'password-changed'; username: string; at: string }
  | { kind: 'factors-changed'; username: string; change: string; at: string }
  | { kind: 'registration-attempt'; signInUrl: string; recoveryUrl: string }
  | { kind: 'registration-username-taken'; username: string; registerUrl: string };

type Content = { subject: string; lines: string[]; action?: { label: string; url: string } };

function content(t: Template): Content {
  switch (t.kind) {
    case 'invitation':
      return {
        subject: `You are invited to ${productName}`,
        lines: [
          `${t.invitedBy ?? 'An administrator'} invited you to create an account.`,
          `The link works once and expires at ${t.expiresAt}.`,
        ],
        action: { label: 'Accept the invitation', url: t.url },
      };
    case 'recovery':
      return {
        subject: `Reset your ${productName} password`,
        lines: [
          `Someone asked to reset the password of the account ${t.username}.`,
          `The link works once and expires at ${t.expiresAt}. If it was not you, ignore this message.`,
        ],
        action: { label: 'Choose a new password', url: t.url },
      };
    case 'verify-email':
      return {
        subject: `Confirm your ${productName} email address`,
        lines: [
          `Confirm that this address belongs to the account ${t.username}.`,
          `The link expires at ${t.expiresAt}.`,
        ],
        action: { label: 'Confirm my address', url: t.url },
      };
    case 'email-change':
      return {
        subject: `Confirm your new ${productName} email address`,
        lines: [
          `The account ${t.username} asked to use this address from now on.`,
          `It changes only when you open the link, which expires at ${t.expiresAt}.`,
        ],
        action: { label: 'Use this address', url: t.url },
      };
    case 'email-changed':
      return {
        subject: `Your ${productName} email address was changed`,
        lines: [
          `The email address of the account ${t.username} is now ${t.newEmail}.`,
          'If you did not do this, contact your administrator at once.',
        ],
      };
    case 'password-changed':
      return {
        subject: `Your ${productName} password was changed`,
        lines: [
          `The password of the account ${t.username} was changed at ${t.at}.`,
          'If you did not do this, reset your password and contact your administrator.',
        ],
      };
    case 'factors-changed':
      return {
        subject: `Your ${productName} sign-in methods changed`,
        lines: [
          `The second factors of the account ${t.username} changed at ${t.at}: ${t.change}.`,
          'If you did not do this, reset your password and contact your administrator.',
        ],
      };
    case 'registration-attempt':
      return {
        subject: `Sign-up attempt with your ${productName} address`,
        lines: [
          'Someone tried to create an account with this email address, which already has one.',
          `If it was you, sign in at ${t.signInUrl} or reset your password at ${t.recoveryUrl}. Otherwise ignore this message.`,
        ],
      };
    case 'registration-username-taken':
      return {
        subject: `Your ${productName} sign-up needs another username`,
        lines: [
          `Someone asked to create an account with this email address and the username ${t.username}, which is already taken, so no account was created.`,
          `If it was you, sign up again with another username at ${t.registerUrl}. Otherwise ignore this message.`,
        ],
      };
  }
}

const htmlEscapes: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => htmlEscapes[c] ?? c);
}

/** Renders a template for one recipient. */
export function render(to: string, template: Template): OutgoingMail {
  const c = content(template);
  const text = [
    ...c.lines,
    ...(c.action ? ['', `${c.action.label}: ${c.action.url}`] : []),
    '',
    `— ${productName}`,
  ].join('\n');
  const paragraphs = c.lines.map((l) => `<p>${escapeHtml(l)}</p>`).join('\n');
  const button = c.action
    ? `<p><a href="${escapeHtml(c.action.url)}">${escapeHtml(c.action.label)}</a></p>\n<p>${escapeHtml(c.action.url)}</p>`
    : '';
  const html = `<!doctype html>
<html><head><meta charset="utf-8"><meta name="referrer" content="no-referrer"><title>${escapeHtml(c.subject)}</title></head>
<body style="font-family:sans-serif">
<h1>${productName}</h1>
${paragraphs}
${button}
</body></html>`;
  return { to, subject: c.subject, text, html };
}
