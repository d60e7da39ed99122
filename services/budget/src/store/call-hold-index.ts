import { isDuplicateKeyError } from '@tollgate/platform';
import type { Connection, mongo } from 'mongoose';
import type { CallHoldIndex } from '../domain/repositories.js';

/** How many (agent, minute) entries this process remembers having written (it writes each once). */
const REMEMBERED = 100_000;

/** `call_hold_minutes`: `_id` `<minute>:<agent>`, indexed by minute. Inserting an entry twice is harmless. */
export class CallHoldIndexStore implements CallHoldIndex {
  readonly collection: mongo.Collection<{ _id: string; minute: number; agent_id: string }>;
  readonly #written = new Set<string>();

  constructor(conn: Connection) {
    this.collection = conn.db!.collection('call_hold_minutes');
  }

  async init(): Promise<void> {
    await this.collection.createIndex({ minute: 1 });
  }

  async add(agentId: string, minute: number): Promise<void> {
    const _id = `${minute}:${agentId}`;
    if (this.#written.has(_id)) return;
    try {
      await this.collection.insertOne({ _id, minute, agent_id: agentId });
    } catch (err) {
      if (!isDuplicateKeyError(err)) throw err;
    }
    if (this.#written.size >= REMEMBERED) this.#written.clear();
    this.#written.add(_id);
  }

  async agentsExpiringIn(minute: number): Promise<string[]> {
    return (await this.collection.find({ minute }).toArray()).map((d) => d.agent_id);
  }

  async drop(minute: number): Promise<void> {
    await this.collection.deleteMany({ minute });
  }
}
