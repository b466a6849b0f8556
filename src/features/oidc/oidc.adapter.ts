/**
 * oidc-provider's Adapter over the database (docs/decisions/0380): one instance per model, every artifact a row of
 * oidc_payloads. Expiry follows the injected clock, so tests move time instead of sleeping.
 */
import type { Adapter, AdapterFactory, AdapterPayload } from 'oidc-provider';
import { errors } from 'oidc-provider';
import { type Clock, iso } from '../../clock.ts';
import type { Db } from '../../db/database.ts';
import {
  consumePayload,
  deletePayload,
  deletePayloadsOfGrant,
  findPayload,
  type StoredPayload,
  upsertPayload,
} from './oidc.store.ts';

/** The payload as the provider stored it, with `consumed` (epoch seconds) once it was consumed. */
function revive(stored: StoredPayload | undefined): AdapterPayload | undefined {
  if (!stored) return undefined;
  const payload = JSON.parse(stored.payload) as AdapterPayload;
  if (stored.consumed_at) payload.consumed = Math.floor(Date.parse(stored.consumed_at) / 1000);
  return payload;
}

export class OidcAdapter implements Adapter {
  constructor(
    private readonly model: string,
    private readonly db: Db,
    private readonly clock: Clock,
  ) {}

  private now(): string {
    return iso(this.clock.now());
  }

  async upsert(id: string, payload: AdapterPayload, expiresIn?: number): Promise<void> {
    const expiresAt = expiresIn === undefined ? null : iso(new Date(this.clock.now().getTime() + expiresIn * 1000));
    await upsertPayload(this.db, {
      model: this.model,
      id,
      payload: JSON.stringify(payload),
      grant_id: payload.grantId ?? null,
      user_code: payload.userCode ?? null,
      uid: payload.uid ?? null,
      account_id: payload.accountId ?? null,
      client_id: payload.clientId ?? null,
      expires_at: expiresAt,
    });
  }

  async find(id: string): Promise<AdapterPayload | undefined> {
    return revive(await findPayload(this.db, this.model, { column: 'id', value: id }, this.now()));
  }

  async findByUid(uid: string): Promise<AdapterPayload | undefined> {
    return revive(await findPayload(this.db, this.model, { column: 'uid', value: uid }, this.now()));
  }

  async findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
    return revive(await findPayload(this.db, this.model, { column: 'user_code', value: userCode }, this.now()));
  }

  /**
   * The provider reads `consumed` and then consumes: two redemptions of one code at once both read it unconsumed.
   * The update matches only an unconsumed row, so exactly one of them consumes it; the other is refused here
   * (400 invalid_grant) before any token is issued to it.
   */
  async consume(id: string): Promise<void> {
    if (!(await consumePayload(this.db, this.model, id, this.now()))) {
      throw new errors.InvalidGrant(`${this.model} already consumed`);
    }
  }

  async destroy(id: string): Promise<void> {
    await deletePayload(this.db, this.model, id);
  }

  async revokeByGrantId(grantId: string): Promise<void> {
    await deletePayloadsOfGrant(this.db, this.model, grantId);
  }
}

/** The `adapter` option of the provider's configuration. */
export function oidcAdapterFactory(db: Db, clock: Clock): AdapterFactory {
  return (model) => new OidcAdapter(model, db, clock);
}
