/** Who calls a service, from any door (HTTP, CLI, SCIM, import): the actor for the audit trail and its access. */
import type { Actor } from '../events/events.service.ts';
import { systemActor } from '../events/events.service.ts';
import type { Access } from './access.service.ts';
import { permissions } from './permissions.ts';

export type Caller = { actor: Actor; access: Access; user: { id: string } | null };

/** The service itself (start-up, CLI, jobs): every permission, globally. */
export const systemCaller: Caller = {
  actor: systemActor,
  access: { global: new Set(permissions), byOrganization: new Map(), isAdmin: true },
  user: null,
};
