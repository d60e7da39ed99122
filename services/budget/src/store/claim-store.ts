import { isDuplicateKeyError } from '@tollgate/platform';
import type { Connection, mongo } from 'mongoose';
import type { ClaimRepository, UsageClaim } from '../domain/repositories.js';
import { fromDoc } from './journal-store.js';

type Keyed = mongo.Document & { _id: string };

/** Usage-report claims, `_id` the report's op id: the insert is the commit point (one attempt wins). */
export class ClaimStore implements ClaimRepository {
  readonly collection: mongo.Collection<Keyed>;

  constructor(conn: Connection) {
    this.collection = conn.db!.collection<Keyed>('usage_claims');
  }

  async init(): Promise<void> {
    await this.collection.createIndex({ applied: 1 });
  }

  async claim(claim: UsageClaim): Promise<boolean> {
    const { op_id, ...rest } = claim;
    try {
      await this.collection.insertOne({ _id: op_id, ...rest });
      return true;
    } catch (err) {
      if (isDuplicateKeyError(err)) return false;
      throw err;
    }
  }

  async find(opId: string): Promise<UsageClaim | null> {
    const doc = await this.collection.findOne({ _id: opId });
    return doc ? claimOf(doc) : null;
  }

  async markApplied(opId: string, seq: number, charged: number): Promise<void> {
    // Only the claimer and the recovery of an abandoned claim write this, and both write the same values.
    await this.collection.updateOne({ _id: opId }, { $set: { applied: true, seq, charged } });
  }

  async unapplied(before: Date, limit: number): Promise<UsageClaim[]> {
    // Unapplied claims are the ones in flight: few, whatever the size of the collection.
    const docs = await this.collection.find({ applied: false }).toArray();
    return docs
      .map(claimOf)
      .filter((c) => c.claimed_at.getTime() < before.getTime())
      .slice(0, limit);
  }
}

function claimOf(doc: Keyed): UsageClaim {
  return { ...(fromDoc(doc) as Omit<UsageClaim, 'op_id'>), op_id: doc._id };
}
