import { Schema, type Connection, type Model } from 'mongoose';
import { findLast, isDuplicateKeyError } from '@tollgate/platform';
import type { ChangeFeed } from '../domain/token-cache.js';

interface ChangeDoc {
  /** 1, 2, 3, …: the position in the feed. */
  _id: number;
  token_id: string;
  at: Date;
}

const changeSchema = new Schema<ChangeDoc>(
  {
    _id: { type: Number, required: true },
    token_id: { type: String, required: true },
    at: { type: Date, required: true },
  },
  { collection: 'api_token_changes', versionKey: false, strict: 'throw' },
);

/**
 * Which tokens changed, in order, for the other replicas' introspection caches: an
 * append-only log keyed 1, 2, 3, … . Appending takes the next free key with a unique
 * insert (a collision means another replica took it: try the one after), so the log
 * has no gaps and readers follow it by key lookups alone.
 */
export class TokenChangeFeed implements ChangeFeed {
  readonly model: Model<ChangeDoc>;
  /** A key known to be taken: where the next search for the end starts. */
  #known = 0;

  constructor(conn: Connection) {
    this.model = conn.models.ApiTokenChange ?? conn.model<ChangeDoc>('ApiTokenChange', changeSchema);
  }

  async last(): Promise<number> {
    this.#known = await findLast(this.#known, (n) => this.#taken(n));
    return this.#known;
  }

  async append(tokenId: string): Promise<void> {
    for (let n = (await this.last()) + 1; ; n = (await this.last()) + 1) {
      try {
        await this.model.create({ _id: n, token_id: tokenId, at: new Date() });
        this.#known = n;
        return;
      } catch (err) {
        if (!isDuplicateKeyError(err)) throw err;
      }
    }
  }

  async read(from: number, to: number): Promise<string[]> {
    const keys = Array.from({ length: Math.max(0, to - from + 1) }, (_, i) => from + i);
    const docs = await Promise.all(keys.map((n) => this.model.findById(n, { token_id: 1 }).lean<Pick<ChangeDoc, 'token_id'>>()));
    return docs.flatMap((d) => (d ? [d.token_id] : []));
  }

  async #taken(n: number): Promise<boolean> {
    return (await this.model.exists({ _id: n })) !== null;
  }
}
