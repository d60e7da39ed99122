import type { Connection } from 'mongoose';
import { NumberedLog } from '@tollgate/platform';
import type { ChangeFeed } from '../domain/token-cache.js';

/**
 * Which tokens changed, in order, for the other replicas' introspection caches:
 * `api_token_changes`, a NumberedLog (`_id` 1, 2, 3, …; the next free key taken by a
 * unique insert, so readers follow it by key lookups alone).
 */
export class TokenChangeFeed implements ChangeFeed {
  readonly #log: NumberedLog<{ token_id: string; at: Date }>;

  constructor(conn: Connection) {
    this.#log = new NumberedLog(conn, 'api_token_changes');
  }

  last(): Promise<number> {
    return this.#log.last();
  }

  async append(tokenId: string): Promise<void> {
    await this.#log.append({ token_id: tokenId, at: new Date() });
  }

  async read(from: number, to: number): Promise<string[]> {
    return (await this.#log.read(from, to)).map((c) => c.token_id);
  }
}
