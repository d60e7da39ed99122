import mongoose, { Schema, type Connection, type Model } from 'mongoose';
import { findLast, isDuplicateKeyError, ServiceUnavailableError } from '@tollgate/platform';
import type { SealedSecret } from '@tollgate/platform';
import type { ProviderKeyRecord } from '../domain/provider-key.js';
import { DELETED, NO_CHANGE, type Committed, type KeyChange, type ProviderKeyRepository } from '../domain/provider-key-repository.js';

const { trusted } = mongoose;

/** Past this many lost races on one key, a change gives up (the key is being changed in a storm). */
const MAX_COMMIT_ATTEMPTS = 50;

type KeyState = Omit<ProviderKeyRecord, 'id' | 'version'>;

/** The mirror of a key's latest version, which reads and lists go through. */
type ProviderKeyDoc = KeyState & { _id: string; version?: number };

/**
 * One committed version of a key, `_id: "<keyId>:<version>"`: the whole state after the
 * change, or `deleted`. The unique `_id` is the commit point of every change. The
 * sealed secret is removed once a later version exists, so a rotated-away key does not
 * stay in the database.
 */
interface VersionDoc extends Partial<KeyState> {
  _id: string;
  key_id: string;
  version: number;
  deleted: boolean;
  committed_at: Date;
}

const sealedSchema = new Schema<SealedSecret>(
  {
    kid: { type: String, required: true },
    nonce: { type: String, required: true },
    ct: { type: String, required: true },
    tag: { type: String, required: true },
  },
  { _id: false, strict: 'throw' },
);

const stateFields = {
  provider: { type: String, required: true },
  name: { type: String, required: true },
  base_url: { type: String, required: true },
  disabled: { type: Boolean, required: true },
  masked: { type: String, required: true },
  secret: { type: sealedSchema, required: true },
  created_at: { type: Date, required: true },
  updated_at: { type: Date, required: true },
  rotated_at: { type: Date, default: null },
};

const providerKeySchema = new Schema<ProviderKeyDoc>(
  { _id: { type: String, required: true }, ...stateFields, version: { type: Number } },
  { collection: 'provider_keys', versionKey: false, strict: 'throw' },
);
// Listing by provider in id (creation) order, and finding the newest enabled key.
providerKeySchema.index({ provider: 1, _id: 1 });
providerKeySchema.index({ provider: 1, disabled: 1, _id: -1 });
// Re-encryption finds the records still sealed under an older key.
providerKeySchema.index({ 'secret.kid': 1 });

const optional = <T extends object>(field: T) => ({ ...field, required: false });
const versionSchema = new Schema<VersionDoc>(
  {
    _id: { type: String, required: true },
    key_id: { type: String, required: true },
    version: { type: Number, required: true },
    deleted: { type: Boolean, required: true },
    committed_at: { type: Date, required: true },
    ...Object.fromEntries(Object.entries(stateFields).map(([k, v]) => [k, optional(v)])),
  },
  { collection: 'provider_key_versions', versionKey: false, strict: 'throw' },
);

const versionId = (keyId: string, version: number) => `${keyId}:${version}`;

function toRecord(doc: ProviderKeyDoc): ProviderKeyRecord {
  const { _id, version, ...rest } = doc;
  return { id: _id, version: version ?? 0, ...rest };
}

function stateOf(record: ProviderKeyRecord): KeyState {
  const { id: _id, version: _version, ...state } = record;
  return state;
}

export function providerKeyModel(conn: Connection): Model<ProviderKeyDoc> {
  return (conn.models.ProviderKey as Model<ProviderKeyDoc> | undefined) ?? conn.model<ProviderKeyDoc>('ProviderKey', providerKeySchema);
}

function versionModel(conn: Connection): Model<VersionDoc> {
  return (conn.models.ProviderKeyVersion as Model<VersionDoc> | undefined) ?? conn.model<VersionDoc>('ProviderKeyVersion', versionSchema);
}

/**
 * Provider keys as an append-only log of versions per key plus a mirror of each key's
 * latest version. Of two writers (two replicas) that change one key from the same
 * version n, exactly one inserts `<id>:<n+1>` (a unique-key insert is atomic on MongoDB
 * and FerretDB alike); the other reloads and re-applies its change on top, so every
 * acknowledged change is in the log, in one serial order, and a disable is never undone
 * by a concurrent rotate or rename.
 *
 * The mirror is only a cache: its whole-document write-back may lose to a concurrent
 * one. Every read therefore checks that no version after the mirrored one exists (one
 * `_id` lookup) and repairs the mirror when one does; every writer checks the same after
 * writing it.
 */
export class ProviderKeyStore implements ProviderKeyRepository {
  readonly model: Model<ProviderKeyDoc>;
  readonly #versions: Model<VersionDoc>;

  constructor(conn: Connection) {
    this.model = providerKeyModel(conn);
    this.#versions = versionModel(conn);
  }

  async insert(record: ProviderKeyRecord): Promise<void> {
    await this.#versions.create(this.#versionDoc(record.id, 1, record));
    await this.model.create({ _id: record.id, ...stateOf(record), version: 1 });
  }

  async findById(id: string): Promise<ProviderKeyRecord | null> {
    return this.#latest(id, await this.model.findById(id).lean<ProviderKeyDoc>());
  }

  // The collection holds the keys administrators created (tens, not per-request data),
  // so the provider equality bounds what is read even where sort and range are not pushed down.
  async list(opts: { provider?: string; after?: string; limit: number }): Promise<ProviderKeyRecord[]> {
    const filter: Record<string, unknown> = {};
    if (opts.provider) filter.provider = opts.provider;
    if (opts.after) filter._id = trusted({ $gt: opts.after });
    const docs = await this.model.find(filter).sort({ _id: 1 }).limit(opts.limit).lean<ProviderKeyDoc[]>();
    const latest = await Promise.all(docs.map((d) => this.#latest(d._id, d)));
    return latest.filter((r): r is ProviderKeyRecord => r !== null);
  }

  /** Candidates by the mirror's provider and disabled fields (equality), each confirmed against the log. */
  async findUsable(provider: string): Promise<ProviderKeyRecord | null> {
    const docs = await this.model.find({ provider, disabled: false }).lean<ProviderKeyDoc[]>();
    docs.sort((a, b) => (a._id < b._id ? 1 : -1));
    for (const doc of docs) {
      const record = await this.#latest(doc._id, doc);
      if (record && !record.disabled) return record;
    }
    return null;
  }

  async commit(id: string, change: KeyChange): Promise<Committed | null> {
    let mirror = await this.model.findById(id).lean<ProviderKeyDoc>();
    for (let attempt = 0; attempt < MAX_COMMIT_ATTEMPTS; attempt++) {
      const before = await this.#latest(id, mirror);
      if (!before) return null;
      const next = change(before);
      if (next === NO_CHANGE) return { before, after: before };
      const version = before.version + 1;
      const after = next === DELETED ? null : { ...next, id, version };
      try {
        await this.#versions.create(this.#versionDoc(id, version, after));
      } catch (err) {
        if (!isDuplicateKeyError(err)) throw err;
        // Another writer committed this version first: start again from what it made.
        mirror = { _id: id, ...stateOf(before), version: before.version };
        continue;
      }
      // Only the latest version's secret is needed; best effort, a leftover is harmless.
      if (before.version > 0)
        await this.#versions.updateOne({ _id: versionId(id, before.version) }, { $unset: { secret: 1 } }).catch(() => undefined);
      await this.#mirror(id, version, after);
      return { before, after };
    }
    throw new ServiceUnavailableError('The provider key is being changed by many callers at once, try again');
  }

  /** Ids of the records not sealed under `kid`, in id order (re-encryption; not a request path). */
  async idsNotSealedUnder(kid: string, after: string | undefined, limit: number): Promise<string[]> {
    const filter: Record<string, unknown> = { 'secret.kid': trusted({ $ne: kid }) };
    if (after) filter._id = trusted({ $gt: after });
    const docs = await this.model.find(filter, { _id: 1 }).sort({ _id: 1 }).limit(limit).lean<{ _id: string }[]>();
    return docs.map((d) => d._id);
  }

  /**
   * The latest committed state of a key, starting from its mirror (null: no mirror).
   * A mirror without a version predates the log: it is version 0, and the first change
   * commits version 1. Costs one lookup when the mirror is current.
   */
  async #latest(id: string, mirror: ProviderKeyDoc | null): Promise<ProviderKeyRecord | null> {
    let known = mirror?.version ?? 0;
    for (;;) {
      const last = await findLast(known, (n) => this.#versions.exists({ _id: versionId(id, n) }).then(Boolean));
      if (last === known) return mirror && last === (mirror.version ?? 0) ? toRecord(mirror) : null;
      const doc = await this.#versions.findById(versionId(id, last)).lean<VersionDoc>();
      // Superseded (secret removed) between the probe and the read: look again.
      if (!doc || (!doc.deleted && !doc.secret)) {
        known = last;
        continue;
      }
      const record = doc.deleted ? null : this.#fromVersion(doc);
      await this.#mirror(id, last, record);
      return record;
    }
  }

  /**
   * Writes the mirror of version `version` (or removes it for a deleted key), then
   * checks that no later version was committed meanwhile, whose mirror this write may
   * have overwritten; if one was, mirrors that one instead.
   */
  async #mirror(id: string, version: number, record: ProviderKeyRecord | null): Promise<void> {
    if (record) await this.model.replaceOne({ _id: id }, { ...stateOf(record), version }, { upsert: true });
    else await this.model.deleteOne({ _id: id });
    const last = await findLast(version, (n) => this.#versions.exists({ _id: versionId(id, n) }).then(Boolean));
    if (last === version) return;
    await this.#latest(id, { _id: id, ...(record ? stateOf(record) : ({} as KeyState)), version });
  }

  #versionDoc(id: string, version: number, record: ProviderKeyRecord | null): VersionDoc {
    const base = { _id: versionId(id, version), key_id: id, version, committed_at: new Date() };
    return record ? { ...base, ...stateOf(record), deleted: false } : { ...base, deleted: true };
  }

  #fromVersion(doc: VersionDoc): ProviderKeyRecord {
    const { _id, key_id, version, deleted: _deleted, committed_at: _at, ...state } = doc;
    return { id: key_id, version, ...(state as KeyState) };
  }
}
