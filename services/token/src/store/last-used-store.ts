import { Schema, type Connection, type Model, type mongo } from 'mongoose';
import { isDuplicateKeyError } from '@tollgate/platform';
import { HOUR_MS } from '../domain/token.js';

interface ClaimDoc {
  /** `<token id>:<interval number>` (the interval number: time / interval length) */
  _id: string;
  /** The UTC hour (hours since the epoch) the interval began in, for deleting old claims by equality. */
  hour: number;
}

interface LastUsedDoc {
  _id: string;
  last_used_at: Date;
}

const claimSchema = new Schema<ClaimDoc>(
  {
    _id: { type: String, required: true },
    hour: { type: Number, required: true, index: true },
  },
  { collection: 'api_token_use_claims', versionKey: false, strict: 'throw' },
);

const lastUsedSchema = new Schema<LastUsedDoc>(
  {
    _id: { type: String, required: true },
    last_used_at: { type: Date, required: true },
  },
  { collection: 'api_token_last_used', versionKey: false, strict: 'throw' },
);

/**
 * When each token was last used, kept apart from the token document so that this
 * frequent write can never undo a change of its security state (FerretDB writes whole
 * documents back). Each replica's batch first claims `<token>:<interval>` with a unique
 * insert: of all replicas, exactly one writes a token's time per interval, so the time
 * has one writer at once and is accurate to one interval (another replica's later use
 * in the same interval is not written; the next interval's write carries it).
 */
export class LastUsedStore {
  readonly claims: Model<ClaimDoc>;
  readonly times: Model<LastUsedDoc>;

  constructor(
    conn: Connection,
    private readonly intervalMs: number,
  ) {
    this.claims = (conn.models.ApiTokenUseClaim as Model<ClaimDoc> | undefined) ?? conn.model<ClaimDoc>('ApiTokenUseClaim', claimSchema);
    this.times =
      (conn.models.ApiTokenLastUsed as Model<LastUsedDoc> | undefined) ?? conn.model<LastUsedDoc>('ApiTokenLastUsed', lastUsedSchema);
  }

  async init(): Promise<void> {
    await Promise.all([this.claims.init(), this.times.init()]);
  }

  /** Writes the times whose token-interval this call claims; the others were written by another replica. */
  async record(times: ReadonlyMap<string, Date>): Promise<void> {
    if (times.size === 0) return;
    const entries = [...times];
    const claims = entries.map(([id, at]) => {
      const interval = Math.floor(at.getTime() / this.intervalMs);
      return { _id: `${id}:${interval}`, hour: Math.floor((interval * this.intervalMs) / HOUR_MS) };
    });
    const lost = new Set<number>();
    try {
      await this.claims.insertMany(claims, { ordered: false });
    } catch (err) {
      const writeErrors = (err as mongo.MongoBulkWriteError).writeErrors;
      if (!writeErrors) throw err;
      for (const e of Array.isArray(writeErrors) ? writeErrors : [writeErrors]) {
        if (!isDuplicateKeyError(e)) throw err;
        lost.add((e as mongo.WriteError).index);
      }
    }
    const won = entries.filter((_, i) => !lost.has(i));
    if (won.length === 0) return;
    await this.times.bulkWrite(
      won.map(([id, at]) => ({ updateOne: { filter: { _id: id }, update: { $max: { last_used_at: at } }, upsert: true } })),
      { ordered: false },
    );
  }

  async find(ids: readonly string[]): Promise<Map<string, Date>> {
    const docs = await Promise.all(ids.map((id) => this.times.findById(id).lean<LastUsedDoc>()));
    return new Map(docs.flatMap((d) => (d ? [[d._id, d.last_used_at] as const] : [])));
  }

  /** Forgets the claims made in one hour (decided long ago). */
  async forgetClaims(hour: number): Promise<void> {
    await this.claims.deleteMany({ hour });
  }
}
