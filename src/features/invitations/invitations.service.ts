/**
 * Invitations, the admin side: invite 1–10 addresses with roles, groups and an organization; list, resend (a new
 * token; the old one dies) and revoke. Each invitee is a user with status 'invited' until it accepts; inviting
 * a pending address again reuses that user.
 */
import { randomBytes } from 'node:crypto';
import { type Clock, iso } from '../../clock.ts';
import type { Config } from '../../config.ts';
import { hashToken, newId, randomToken } from '../../crypto/tokens.ts';
import type { Db } from '../../db/database.ts';
import { AppError, assertThat } from '../../errors.ts';
import { decodeCursor, encodeCursor, type Page } from '../../http/pagination.ts';
import type { MailService } from '../../mail/mail.service.ts';
import { scopeOf } from '../access/access.service.ts';
import { type Caller, systemCaller } from '../access/caller.ts';
import type { GrantsService } from '../access/grants.service.ts';
import type { AccessWrites } from '../directory/access-writes.ts';
import { recordEvent } from '../events/events.service.ts';
import type { SettingsService } from '../settings/settings.service.ts';
import type { UserLifecycleService } from '../users/users.lifecycle.ts';
import type { UsersService } from '../users/users.service.ts';
import { findUserByLogin } from '../users/users.store.ts';
import { loginKey } from '../users/users.validation.ts';
import { type InvitationDto, type InvitationGrants, toInvitationDtos } from './invitations.dto.ts';
import * as store from './invitations.store.ts';

export type InviteInput = { emails: string[]; roleIds?: string[]; groupIds?: string[]; organizationId?: string | null };

export class InvitationsService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly config: Config,
    private readonly settings: SettingsService,
    private readonly users: UsersService,
    private readonly lifecycle: UserLifecycleService,
    private readonly grantsService: GrantsService,
    private readonly mail: MailService,
    private readonly accessWrites: AccessWrites,
  ) {}

  async invite(caller: Caller, input: InviteInput): Promise<InvitationDto[]> {
    const { invitationTtlHours, requireGroup, defaultGroupId } = await this.settings.get();
    // With requireGroup on, an invitation naming no group carries the default one, so the set it shows is the
    // set the account will hold.
    const groupIds = input.groupIds?.length ? input.groupIds : requireGroup && defaultGroupId ? [defaultGroupId] : [];
    const grants: InvitationGrants = {
      roleIds: [...new Set(input.roleIds ?? [])],
      groupIds: [...new Set(groupIds)],
      organizationId: input.organizationId ?? null,
    };
    this.assertOrgInScope(caller, grants.organizationId);
    await this.grantsService.check(this.db, caller, grants);
    const emails = [...new Map(input.emails.map((e) => [loginKey(e), e.trim()])).entries()];
    // Every address is checked before anything is written or sent: a refused request changes nothing.
    const holders = await Promise.all(emails.map(([key]) => findUserByLogin(this.db, key)));
    const errors = holders.flatMap((h, i) =>
      h && h.email_key === emails[i]?.[0] && h.status !== 'invited'
        ? [
            {
              path: `emails.${input.emails.findIndex((e) => loginKey(e) === emails[i]?.[0])}`,
              message: 'already has an account',
            },
          ]
        : [],
    );
    if (errors.length) throw new AppError('EMAIL_TAKEN', { errors });
    const ids: string[] = [];
    for (const [i, [key, email]] of emails.entries()) {
      const holder = holders[i]?.email_key === key ? holders[i] : undefined;
      ids.push(await this.inviteOne(caller, email, key, grants, invitationTtlHours, holder?.id));
    }
    this.mail.kick();
    return this.dtos(ids);
  }

  private async inviteOne(
    caller: Caller,
    email: string,
    key: string,
    grants: InvitationGrants,
    ttlHours: number,
    existingUserId: string | undefined,
  ): Promise<string> {
    const id = newId(this.clock.now());
    // The inviter's right was checked above; the placeholder's membership is written with the service's own
    // access (an inviter needs invitations:manage, not organizations:write), audited under the inviter's name.
    const asInviter: Caller = { ...systemCaller, actor: caller.actor };
    const write = async (trx: Db, userId: string) => {
      await store.revokeOpenOf(trx, userId, iso(this.clock.now()));
      await this.issue(trx, caller, { id, email, key, userId, grants, ttlHours });
    };
    if (existingUserId) {
      await this.db.transaction().execute(async (trx) => {
        // Only the organization comes before acceptance, so an organization admin sees its invitee; roles and
        // groups wait for the acceptance, which resets the set to exactly the invitation's.
        if (grants.organizationId) {
          await this.accessWrites.addToOrganization(trx, asInviter, grants.organizationId, existingUserId);
        }
        await write(trx, existingUserId);
      });
    } else {
      // The invitee appears in the directory as 'invited' at once; only accepting makes it active.
      const username = `invited-${randomBytes(6).toString('hex')}`;
      const input = { username, email, ...(grants.organizationId ? { organizationId: grants.organizationId } : {}) };
      await this.users.create(asInviter, input, { status: 'invited', extend: write });
    }
    return id;
  }

  private async issue(
    trx: Db,
    caller: Caller,
    p: { id: string; email: string; key: string; userId: string; grants: InvitationGrants; ttlHours: number },
  ): Promise<void> {
    const now = this.clock.now();
    const token = randomToken(32);
    const expiresAt = iso(new Date(now.getTime() + p.ttlHours * 3_600_000));
    await store.insertInvitation(trx, {
      id: p.id,
      email: p.email,
      email_key: p.key,
      user_id: p.userId,
      token_hash: hashToken(token),
      role_ids: JSON.stringify(p.grants.roleIds),
      group_ids: JSON.stringify(p.grants.groupIds),
      organization_id: p.grants.organizationId,
      invited_by: caller.actor.name ?? caller.actor.id,
      created_at: iso(now),
      expires_at: expiresAt,
      accepted_at: null,
      revoked_at: null,
    });
    await this.mailInvitation(trx, caller, p.email, token, expiresAt);
    await recordEvent(trx, this.clock, caller.actor, {
      action: 'invitation.create',
      target: { type: 'invitation', id: p.id },
      details: { email: p.email, userId: p.userId, ...p.grants },
    });
  }

  private async mailInvitation(trx: Db, caller: Caller, email: string, token: string, expiresAt: string) {
    const url = `${this.config.publicUrl}/invite?token=${token}`;
    await this.mail.enqueue(trx, email, { kind: 'invitation', url, expiresAt, invitedBy: caller.actor.name });
  }

  async list(
    caller: Caller,
    query: { status?: store.InvitationStatus | undefined; limit: number; cursor?: string | undefined },
  ): Promise<Page<InvitationDto>> {
    const scope = scopeOf(caller.access, 'invitations:manage');
    const filter = { status: query.status, organizations: scope === 'all' ? undefined : scope };
    const cursor = decodeCursor(query.cursor);
    const now = iso(this.clock.now());
    const after = cursor ? { value: String(cursor.value), id: cursor.id } : undefined;
    const [rows, total] = await Promise.all([
      store.listInvitations(this.db, filter, now, query.limit + 1, after),
      store.countInvitations(this.db, filter, now),
    ]);
    const page = rows.slice(0, query.limit);
    const last = page.at(-1);
    return {
      items: await toInvitationDtos(this.db, page, now),
      nextCursor: rows.length > query.limit && last ? encodeCursor({ value: last.created_at, id: last.id }) : null,
      total,
      totalExact: true,
    };
  }

  /** Revokes an open invitation; its placeholder user goes too unless another invitation still waits for it. */
  async revoke(caller: Caller, id: string): Promise<InvitationDto> {
    const row = await this.rowFor(caller, id);
    if (row.accepted_at) throw new AppError('INVITATION_USED', { detail: 'The invitation was already accepted' });
    if (!row.revoked_at) {
      const now = iso(this.clock.now());
      await this.db.transaction().execute(async (trx) => {
        await store.updateInvitation(trx, id, { revoked_at: now });
        await recordEvent(trx, this.clock, caller.actor, {
          action: 'invitation.revoke',
          target: { type: 'invitation', id },
          details: { email: row.email },
        });
      });
      await this.dropPlaceholder(caller, row.user_id);
    }
    return (await this.dtos([id]))[0]!;
  }

  private async dropPlaceholder(caller: Caller, userId: string | null): Promise<void> {
    if (!userId || (await store.countOpenOf(this.db, userId, iso(this.clock.now()))) > 0) return;
    const user = await this.users.getRowFor(systemCaller, userId, 'users:read').catch(() => undefined);
    if (user?.status === 'invited') await this.lifecycle.delete({ ...systemCaller, actor: caller.actor }, userId);
  }

  /** A new token and expiry for an open invitation; the previous link stops working. */
  async resend(caller: Caller, id: string): Promise<InvitationDto> {
    const row = await this.rowFor(caller, id);
    if (row.accepted_at) {
      throw new AppError('INVITATION_USED', { detail: 'Only a pending or expired invitation can be sent again' });
    }
    if (row.revoked_at || !row.user_id) {
      throw new AppError('INVITATION_REVOKED', { detail: 'Only a pending or expired invitation can be sent again' });
    }
    const { invitationTtlHours } = await this.settings.get();
    const now = this.clock.now();
    const token = randomToken(32);
    const expiresAt = iso(new Date(now.getTime() + invitationTtlHours * 3_600_000));
    await this.db.transaction().execute(async (trx) => {
      await store.updateInvitation(trx, id, { token_hash: hashToken(token), expires_at: expiresAt });
      await this.mailInvitation(trx, caller, row.email, token, expiresAt);
      await recordEvent(trx, this.clock, caller.actor, {
        action: 'invitation.resend',
        target: { type: 'invitation', id },
        details: { email: row.email, expiresAt },
      });
    });
    this.mail.kick();
    return (await this.dtos([id]))[0]!;
  }

  /** An invitation the caller may manage; outside its organizations it does not exist (404). */
  private async rowFor(caller: Caller, id: string): Promise<store.InvitationRow> {
    const row = await store.findInvitation(this.db, id);
    assertThat(row, 'NOT_FOUND');
    const scope = scopeOf(caller.access, 'invitations:manage');
    assertThat(scope === 'all' || (row.organization_id && scope.includes(row.organization_id)), 'NOT_FOUND');
    return row;
  }

  private assertOrgInScope(caller: Caller, organizationId: string | null): void {
    const scope = scopeOf(caller.access, 'invitations:manage');
    if (scope !== 'all' && !(organizationId && scope.includes(organizationId))) {
      throw new AppError('ORGANIZATION_SCOPE', { detail: 'You may invite only into an organization you manage' });
    }
  }

  private async dtos(ids: string[]): Promise<InvitationDto[]> {
    const rows = await Promise.all(ids.map((id) => store.findInvitation(this.db, id)));
    return toInvitationDtos(
      this.db,
      rows.filter((r) => r !== undefined),
      iso(this.clock.now()),
    );
  }
}
