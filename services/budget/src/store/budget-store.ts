import type { Connection, mongo } from 'mongoose';
import type { BudgetRecord, LeaseSlot, LimitChange, UsageCharge } from '../domain/records.js';
import type { BudgetRepository } from '../domain/repositories.js';
import { int64, num } from './long.js';

type Document = mongo.Document;
/** Our documents are keyed by string ids, not ObjectIds. */
type Keyed = Document & { _id: string };

/**
 * The budget documents, one per agent, written with the driver directly so that every
 * amount is an int64 and every money movement is exactly one conditional `$inc` (a batch of
 * charges is one `$inc` too).
 * Callers also hold the per-agent KeyedMutex (FerretDB's findAndModify is not atomic).
 */
export class BudgetStore implements BudgetRepository {
  readonly collection: mongo.Collection<Keyed>;

  constructor(conn: Connection) {
    this.collection = conn.db!.collection<Keyed>('budgets');
  }

  async init(): Promise<void> {
    await this.collection.createIndex({ pending_count: 1 });
  }

  async insert(agentId: string, limit: number, now: Date): Promise<void> {
    await this.collection.insertOne({
      _id: agentId,
      limit: int64(limit),
      spent: int64(0),
      reserved: int64(0),
      remaining: int64(limit),
      leases: {},
      pending: {},
      pending_count: int64(0),
      applied_requests: [],
      history: [],
      created_at: now,
      updated_at: now,
    });
  }

  async find(agentId: string): Promise<BudgetRecord | null> {
    const doc = await this.collection.findOne({ _id: agentId });
    return doc ? toRecord(doc) : null;
  }

  async findMany(agentIds: string[]): Promise<BudgetRecord[]> {
    if (agentIds.length === 0) return [];
    const docs = await this.collection.find({ _id: { $in: agentIds } }).toArray();
    return docs.map(toRecord);
  }

  async delete(agentId: string): Promise<void> {
    await this.collection.deleteOne({ _id: agentId });
  }

  reserve(agentId: string, leaseId: string, slot: LeaseSlot, now: Date): Promise<BudgetRecord | null> {
    return this.#update(
      { _id: agentId, remaining: { $gte: int64(slot.granted) }, [`leases.${leaseId}`]: { $exists: false } },
      {
        $inc: { reserved: int64(slot.granted), remaining: int64(-slot.granted) },
        $set: { [`leases.${leaseId}`]: slotDoc(slot), updated_at: now },
      },
    );
  }

  releaseSlot(agentId: string, leaseId: string, expectedUnspent: number, now: Date): Promise<BudgetRecord | null> {
    return this.#update(
      { _id: agentId, [`leases.${leaseId}.unspent`]: int64(expectedUnspent) },
      {
        $inc: { reserved: int64(-expectedUnspent), remaining: int64(expectedUnspent) },
        $unset: { [`leases.${leaseId}`]: '' },
        $set: { updated_at: now },
      },
    );
  }

  charge(agentId: string, charges: UsageCharge[], now: Date): Promise<BudgetRecord | null> {
    const filter: Document = { _id: agentId };
    const set: Document = { updated_at: now };
    let amount = 0;
    let overage = 0;
    const leaseParts = new Map<string, number>();
    for (const charge of charges) {
      filter[`pending.${charge.op_id}`] = { $exists: false };
      set[`pending.${charge.op_id}`] = chargeDoc(charge);
      amount += charge.amount_micros;
      overage += charge.overage_micros;
      if (charge.lease_micros > 0) leaseParts.set(charge.lease_id, (leaseParts.get(charge.lease_id) ?? 0) + charge.lease_micros);
    }
    const inc: Document = { spent: int64(amount), reserved: int64(overage - amount), remaining: int64(-overage), pending_count: int64(charges.length) };
    if (overage > 0) filter.remaining = { $gte: int64(overage) };
    // Only slots that are charged appear in the update: an `$inc` would create a missing one.
    for (const [leaseId, part] of leaseParts) {
      filter[`leases.${leaseId}.unspent`] = { $gte: int64(part) };
      inc[`leases.${leaseId}.unspent`] = int64(-part);
    }
    return this.#update(filter, { $inc: inc, $set: set });
  }

  settle(agentId: string, charges: Pick<UsageCharge, 'op_id' | 'nonce'>[]): Promise<BudgetRecord | null> {
    const filter: Document = { _id: agentId };
    const unset: Document = {};
    for (const { op_id, nonce } of charges) {
      filter[`pending.${op_id}.nonce`] = nonce;
      unset[`pending.${op_id}`] = '';
    }
    return this.#update(filter, { $unset: unset, $inc: { pending_count: int64(-charges.length) } });
  }

  reverse(agentId: string, pending: UsageCharge, leaseStillOpen: boolean, now: Date): Promise<BudgetRecord | null> {
    const filter: Document = { _id: agentId, [`pending.${pending.op_id}.nonce`]: pending.nonce };
    const inc: Document = { spent: int64(-pending.amount_micros), pending_count: int64(-1) };
    if (leaseStillOpen && pending.lease_micros > 0) {
      filter[`leases.${pending.lease_id}`] = { $exists: true };
      inc.reserved = int64(pending.lease_micros);
      inc[`leases.${pending.lease_id}.unspent`] = int64(pending.lease_micros);
      inc.remaining = int64(pending.overage_micros);
    } else {
      if (pending.lease_micros > 0) filter[`leases.${pending.lease_id}`] = { $exists: false };
      inc.remaining = int64(pending.amount_micros);
    }
    return this.#update(filter, { $inc: inc, $unset: { [`pending.${pending.op_id}`]: '' }, $set: { updated_at: now } });
  }

  raiseLimit(agentId: string, expectedLimit: number, change: LimitChange, now: Date): Promise<BudgetRecord | null> {
    const delta = change.new_limit - change.old_limit;
    return this.#update(
      { _id: agentId, limit: int64(expectedLimit), applied_requests: { $ne: change.request_id } },
      {
        $inc: { limit: int64(delta), remaining: int64(delta) },
        $push: {
          applied_requests: change.request_id,
          history: { ...change, old_limit: int64(change.old_limit), new_limit: int64(change.new_limit) },
        },
        $set: { updated_at: now },
      },
    );
  }

  async withPendingCharges(limit: number): Promise<BudgetRecord[]> {
    const docs = await this.collection.find({ pending_count: { $gt: int64(0) } }).limit(limit).toArray();
    return docs.map(toRecord);
  }

  async #update(filter: Document, update: Document): Promise<BudgetRecord | null> {
    const doc = await this.collection.findOneAndUpdate(filter, update, { returnDocument: 'after' });
    return doc ? toRecord(doc) : null;
  }
}

function slotDoc(slot: LeaseSlot): Document {
  return { granted: int64(slot.granted), unspent: int64(slot.unspent), provider: slot.provider, expires_at: slot.expires_at };
}

const CHARGE_AMOUNTS = ['input_tokens', 'output_tokens', 'amount_micros', 'lease_micros', 'overage_micros', 'cost_micros', 'unbilled_micros'] as const;

export function chargeDoc(charge: UsageCharge): Document {
  const doc: Document = { ...charge };
  for (const k of CHARGE_AMOUNTS) doc[k] = int64(charge[k]);
  return doc;
}

export function chargeOf(doc: Document): UsageCharge {
  const charge = { ...doc } as Document;
  delete charge._id;
  for (const k of CHARGE_AMOUNTS) charge[k] = num(doc[k]);
  return charge as UsageCharge;
}

function toRecord(doc: Document): BudgetRecord {
  const leases: Record<string, LeaseSlot> = {};
  for (const [id, s] of Object.entries((doc.leases ?? {}) as Record<string, Document>)) {
    leases[id] = { granted: num(s.granted), unspent: num(s.unspent), provider: String(s.provider), expires_at: s.expires_at as Date };
  }
  const pending: Record<string, UsageCharge> = {};
  for (const [id, c] of Object.entries((doc.pending ?? {}) as Record<string, Document>)) pending[id] = chargeOf(c);
  return {
    agent_id: String(doc._id),
    limit: num(doc.limit),
    spent: num(doc.spent),
    reserved: num(doc.reserved),
    remaining: num(doc.remaining),
    leases,
    pending,
    applied_requests: (doc.applied_requests ?? []) as string[],
    history: ((doc.history ?? []) as Document[]).map((h) => ({
      old_limit: num(h.old_limit),
      new_limit: num(h.new_limit),
      approver_id: String(h.approver_id),
      request_id: String(h.request_id),
      reason: String(h.reason ?? ''),
      at: h.at as Date,
    })),
    created_at: doc.created_at as Date,
    updated_at: doc.updated_at as Date,
  };
}
