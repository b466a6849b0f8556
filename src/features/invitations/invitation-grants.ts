export type InvitationGrants = { roleIds: string[]; groupIds: string[]; organizationId: string | null };
