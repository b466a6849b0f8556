/**
 * The applications (OAuth clients) registry: registration, change, deletion and secret rotation, each audited in
 * its transaction; and the two questions the OpenID Connect provider asks of it (a client's metadata, whether a
 * secret is right). A confidential client's secret is random, shown once, stored as its SHA-256 hash only.
 */
import { type Clock, iso } from '../../clock.ts';
import { hashToken, newId, randomToken, safeEqual } from '../../crypto/tokens.ts';
import type { Db } from '../../db/database.ts';
import { AppError } from '../../errors.ts';
import { decodeCursor, encodeCursor, type Page } from '../../http/pagination.ts';
import type { Caller } from '../access/caller.ts';
import { recordEvent } from '../events/events.service.ts';
import { deletePayloadsOfClient } from '../oidc/oidc.store.ts';
import { type ProviderClientMetadata, providerMetadataOf } from './applications.provider.ts';
import {
  type ApplicationDto,
  type ApplicationSettings,
  applicationProblems,
  type CreateApplicationInput,
  defaultGrantTypes,
  settingsOf,
  toApplicationDto,
  type UpdateApplicationInput,
} from './applications.schema.ts';
import type { ApplicationRow } from './applications.store.ts';
import * as store from './applications.store.ts';

export type ApplicationWithSecret = ApplicationDto & { clientSecret: string };

/** Compared against when no secret is stored, so an unknown client id costs what a wrong secret costs. */
const absentSecretHash = hashToken(randomToken(32));

export class ApplicationsService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
  ) {}

  async list(query: {
    q?: string | undefined;
    limit: number;
    cursor?: string | undefined;
  }): Promise<Page<ApplicationDto>> {
    const cursor = decodeCursor(query.cursor);
    const rows = await store.listApplications(this.db, query.q, query.limit + 1, cursor?.id);
    const page = rows.slice(0, query.limit);
    const last = page.at(-1);
    return {
      items: page.map(toApplicationDto),
      nextCursor: rows.length > query.limit && last ? encodeCursor({ value: null, id: last.id }) : null,
      total: await store.countApplications(this.db, query.q),
      totalExact: true,
    };
  }

  async get(id: string): Promise<ApplicationDto> {
    return toApplicationDto(await this.rowOf(this.db, id));
  }

  /** A confidential client gets a secret, in this answer only; a public one gets none. */
  async create(caller: Caller, input: CreateApplicationInput): Promise<ApplicationDto & { clientSecret?: string }> {
    const settings: ApplicationSettings = {
      type: input.type,
      redirectUris: input.redirectUris,
      postLogoutRedirectUris: input.postLogoutRedirectUris ?? [],
      grantTypes: [...(input.grantTypes ?? defaultGrantTypes)],
    };
    assertValid(settings);
    const now = iso(this.clock.now());
    const secret = input.type === 'confidential' ? randomToken(32) : undefined;
    const row: ApplicationRow = {
      id: newId(this.clock.now()),
      client_id: newClientId(),
      name: input.name,
      name_key: input.name.toLowerCase(),
      type: input.type,
      secret_hash: secret === undefined ? null : hashToken(secret),
      secret_created_at: secret === undefined ? null : now,
      ...columnsOf(settings),
      first_party: input.firstParty ? 1 : 0,
      backchannel_logout_uri: input.backchannelLogoutUri ?? null,
      created_at: now,
      updated_at: now,
    };
    await this.db.transaction().execute(async (trx) => {
      // 128 random bits are not expected to collide; if they ever did, the unique index would refuse the insert
      // (an error, and nothing written) rather than let two applications share a client id.
      await store.insertApplication(trx, row);
      await recordEvent(trx, this.clock, caller.actor, {
        action: 'application.create',
        target: { type: 'application', id: row.id },
        details: {
          name: row.name,
          clientId: row.client_id,
          ...settings,
          firstParty: input.firstParty ?? false,
          backchannelLogoutUri: row.backchannel_logout_uri,
        },
      });
    });
    const dto = toApplicationDto(row);
    return secret === undefined ? dto : { ...dto, clientSecret: secret };
  }

  /** Changes what the body names; the result as a whole must satisfy the rules, else nothing changes. */
  async update(caller: Caller, id: string, input: UpdateApplicationInput): Promise<ApplicationDto> {
    return this.db.transaction().execute(async (trx) => {
      const before = await this.rowOf(trx, id);
      const current = settingsOf(before);
      const settings: ApplicationSettings = {
        type: before.type,
        redirectUris: input.redirectUris ?? current.redirectUris,
        postLogoutRedirectUris: input.postLogoutRedirectUris ?? current.postLogoutRedirectUris,
        grantTypes: input.grantTypes ?? current.grantTypes,
      };
      assertValid(settings);
      const after: ApplicationRow = {
        ...before,
        ...(input.name !== undefined ? { name: input.name, name_key: input.name.toLowerCase() } : {}),
        ...columnsOf(settings),
        ...(input.firstParty !== undefined ? { first_party: input.firstParty ? 1 : 0 } : {}),
        ...(input.backchannelLogoutUri !== undefined ? { backchannel_logout_uri: input.backchannelLogoutUri } : {}),
      };
      const changed = changedFields(before, after);
      if (changed.length === 0) return toApplicationDto(before);
      after.updated_at = iso(this.clock.now());
      const { id: _id, ...values } = after;
      await store.updateApplication(trx, id, values);
      await recordEvent(trx, this.clock, caller.actor, {
        action: 'application.update',
        target: { type: 'application', id },
        details: {
          name: after.name,
          clientId: after.client_id,
          changed,
          from: auditedFields(before),
          to: auditedFields(after),
        },
      });
      return toApplicationDto(after);
    });
  }

  async delete(caller: Caller, id: string): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      const row = await this.rowOf(trx, id);
      await store.deleteApplication(trx, id);
      // Its grants and every code and token issued under them go with it, in the same transaction.
      const artifactsRevoked = await deletePayloadsOfClient(trx, row.client_id);
      await recordEvent(trx, this.clock, caller.actor, {
        action: 'application.delete',
        target: { type: 'application', id },
        details: { name: row.name, clientId: row.client_id, type: row.type, artifactsRevoked },
      });
    });
  }

  /** A new secret replaces the old one at once: the old one is refused from this commit on. */
  async rotateSecret(caller: Caller, id: string): Promise<ApplicationWithSecret> {
    return this.db.transaction().execute(async (trx) => {
      const row = await this.rowOf(trx, id);
      if (row.type !== 'confidential') {
        throw new AppError('CONFLICT', { detail: 'A public application has no secret to rotate' });
      }
      const secret = randomToken(32);
      const now = iso(this.clock.now());
      const after: ApplicationRow = { ...row, secret_hash: hashToken(secret), secret_created_at: now, updated_at: now };
      await store.updateApplication(trx, id, {
        secret_hash: after.secret_hash,
        secret_created_at: now,
        updated_at: now,
      });
      await recordEvent(trx, this.clock, caller.actor, {
        action: 'application.secret.rotate',
        target: { type: 'application', id },
        details: { name: row.name, clientId: row.client_id },
      });
      return { ...toApplicationDto(after), clientSecret: secret };
    });
  }

  /**
   * Whether `secret` is the current secret of the confidential client `clientId`. The hashes are compared in
   * constant time, and an unknown or public client is compared against a stand-in hash first, so the answer's
   * timing tells neither whether the client exists nor how much of the secret was right.
   */
  async verifyClientSecret(clientId: string, secret: string): Promise<boolean> {
    const row = await store.findApplicationByClientId(this.db, clientId);
    const stored = row?.type === 'confidential' ? row.secret_hash : null;
    const equal = safeEqual(stored ?? absentSecretHash, hashToken(secret));
    return equal && stored !== null;
  }

  /** The client as oidc-provider's `findClient` wants it, or undefined for an unknown client id. */
  async findClientForProvider(clientId: string): Promise<ProviderClientMetadata | undefined> {
    const row = await store.findApplicationByClientId(this.db, clientId);
    return row ? providerMetadataOf(row) : undefined;
  }

  private async rowOf(db: Db, id: string): Promise<ApplicationRow> {
    const row = await store.findApplication(db, id);
    if (!row) throw new AppError('NOT_FOUND', { detail: 'Application not found' });
    return row;
  }
}

function assertValid(settings: ApplicationSettings): void {
  const errors = applicationProblems(settings);
  const first = errors[0];
  if (first) throw new AppError('VALIDATION_FAILED', { detail: `${first.path}: ${first.message}`, errors });
}

/** 128 random bits, base64url: URL-safe, and too many to guess or to collide. */
function newClientId(): string {
  return randomToken(16);
}

function columnsOf(s: ApplicationSettings) {
  return {
    redirect_uris: JSON.stringify(s.redirectUris),
    post_logout_redirect_uris: JSON.stringify(s.postLogoutRedirectUris),
    grant_types: JSON.stringify(s.grantTypes),
  };
}

/** What a change can touch, as the audit trail shows it before and after (never the secret or its hash). */
function auditedFields(row: ApplicationRow) {
  const { name, redirectUris, postLogoutRedirectUris, grantTypes, firstParty, backchannelLogoutUri } =
    toApplicationDto(row);
  return { name, redirectUris, postLogoutRedirectUris, grantTypes, firstParty, backchannelLogoutUri };
}

function changedFields(before: ApplicationRow, after: ApplicationRow): string[] {
  const keys = [
    'name',
    'redirect_uris',
    'post_logout_redirect_uris',
    'grant_types',
    'first_party',
    'backchannel_logout_uri',
  ] as const;
  return keys.filter((k) => before[k] !== after[k]);
}
