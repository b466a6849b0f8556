// How each setting is presented: label, help, input kind; grouped into sections.

export type SettingKind = 'switch' | 'number' | 'mfa' | 'group';

export interface SettingField {
  name: string;
  label: string;
  description?: string;
  kind: SettingKind;
  unit?: string;
}

export const settingSections: Array<{ title: string; fields: SettingField[] }> = [
  {
    title: 'Sign-up and invitations',
    fields: [
      {
        name: 'allowRegistration',
        label: 'Allow self-registration',
        kind: 'switch',
        description: 'Anyone can create an account at /register.',
      },
      { name: 'invitationTtlHours', label: 'Invitations expire after', kind: 'number', unit: 'hours' },
      { name: 'requireGroup', label: 'Every user must belong to a group', kind: 'switch' },
      { name: 'defaultGroupId', label: 'Default group for new users', kind: 'group' },
    ],
  },
  {
    title: 'Passwords and usernames',
    fields: [
      {
        name: 'passwordMinLength',
        label: 'Minimum password length',
        kind: 'number',
        unit: 'characters',
        description: '15 or more is recommended.',
      },
      {
        name: 'passwordRequireMix',
        label: 'Require letters, digits and symbols',
        kind: 'switch',
        description: 'Long passphrases protect better than composition rules.',
      },
      { name: 'usernameMinLength', label: 'Minimum username length', kind: 'number', unit: 'characters' },
      { name: 'usernameMaxLength', label: 'Maximum username length', kind: 'number', unit: 'characters' },
      { name: 'recoveryTtlMinutes', label: 'Recovery links expire after', kind: 'number', unit: 'minutes' },
    ],
  },
  {
    title: 'Sign-in security',
    fields: [
      { name: 'mfaRequired', label: 'Two-step verification required for', kind: 'mfa' },
      { name: 'lockoutThreshold', label: 'Lock an account after', kind: 'number', unit: 'failed sign-ins' },
      {
        name: 'lockoutMinutes',
        label: 'First lockout lasts',
        kind: 'number',
        unit: 'minutes',
        description: 'Doubles on each repeat.',
      },
    ],
  },
  {
    title: 'Sessions and audit',
    fields: [
      { name: 'sessionIdleMinutes', label: 'Sign out after inactivity of', kind: 'number', unit: 'minutes' },
      { name: 'sessionMaxHours', label: 'Sessions end at most after', kind: 'number', unit: 'hours' },
      { name: 'auditRetentionDays', label: 'Keep audit events for', kind: 'number', unit: 'days' },
    ],
  },
];
