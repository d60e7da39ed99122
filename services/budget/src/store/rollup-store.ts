import { randomBytes } from 'node:crypto';
import type { Connection, mongo } from 'mongoose';
import type { DayTotals } from '../domain/book.js';
import type { DailySpend, RollupRepository, SpendFilter } from '../domain/repositories.js';
import { fromDoc } from './journal-store.js';

type Keyed = mongo.Document & { _id: string };

/** Ranges up to this many days are read day by day (an indexed equality each); longer ones read every rollup. */
const DAY_BY_DAY = 62;
const DAY_MS = 86_400_000;

/**
 * Daily spend per agent, so that analytics cost grows with agents × days, never with calls.
 *
 * A day still open has one document per writing replica, `<agent>:<day>:<writer>`, which
 * only that replica rewrites (one write in flight per agent), with the day's totals as of
 * the newest entry it knows (`seq`). Totals are cumulative, so the document with the
 * highest seq is the day's current figure; the replica that wrote the head entry wrote it.
 * No two writers share a document, so no write can undo another on any database.
 * A day that is over gets `<agent>:<day>:final` with its exact totals from the journal
 * (every closer writes the same values), and the open documents of that day are removed.
 */
export class RollupStore implements RollupRepository {
  readonly collection: mongo.Collection<Keyed>;
  readonly #writer = randomBytes(6).toString('hex');

  constructor(conn: Connection) {
    this.collection = conn.db!.collection<Keyed>('spend_daily');
  }

  async init(): Promise<void> {
    await this.collection.createIndex({ agent_id: 1 });
    await this.collection.createIndex({ day: 1 });
    await this.collection.createIndex({ final: 1 });
  }

  async record(agentId: string, today: DayTotals, seq: number): Promise<void> {
    await this.collection.updateOne(
      { _id: `${agentId}:${today.day}:${this.#writer}` },
      { $set: { agent_id: agentId, day: today.day, rows: today.rows, seq, final: false } },
      { upsert: true },
    );
  }

  async close(agentId: string, day: DayTotals): Promise<void> {
    await this.collection.replaceOne(
      { _id: `${agentId}:${day.day}:final` },
      { agent_id: agentId, day: day.day, rows: day.rows, seq: 0, final: true },
      { upsert: true },
    );
    await this.collection.deleteMany({ agent_id: agentId, day: day.day, final: false });
  }

  async spend(filter: SpendFilter): Promise<DailySpend[]> {
    const { agentId, fromDay, toDay } = filter;
    let docs: mongo.Document[];
    if (agentId) docs = await this.collection.find({ agent_id: agentId }).toArray();
    else if (fromDay && toDay && daysBetween(fromDay, toDay) <= DAY_BY_DAY) {
      docs = (await Promise.all(dayRange(fromDay, toDay).map((day) => this.collection.find({ day }).toArray()))).flat();
    } else docs = await this.collection.find({}).toArray();
    return current(docs.map((d) => fromDoc(d) as DailySpend & { seq: number })).filter(
      (d) => (!fromDay || d.day >= fromDay) && (!toDay || d.day <= toDay),
    );
  }

  async openBefore(day: string, limit: number): Promise<DailySpend[]> {
    const docs = await this.collection.find({ final: false }).toArray();
    return current(docs.map((d) => fromDoc(d) as DailySpend & { seq: number }))
      .filter((d) => d.day < day)
      .slice(0, limit);
  }
}

/** One figure per (agent, day): the final one, else the newest writer's. */
function current(docs: (DailySpend & { seq: number })[]): DailySpend[] {
  const best = new Map<string, DailySpend & { seq: number }>();
  for (const d of docs) {
    const key = `${d.agent_id}:${d.day}`;
    const seen = best.get(key);
    if (!seen || (!seen.final && (d.final || d.seq > seen.seq))) best.set(key, d);
  }
  return [...best.values()].map(({ seq: _seq, ...d }) => d);
}

function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(to) - Date.parse(from)) / DAY_MS) + 1;
}

function dayRange(from: string, to: string): string[] {
  const days: string[] = [];
  for (let t = Date.parse(from); t <= Date.parse(to); t += DAY_MS) days.push(new Date(t).toISOString().slice(0, 10));
  return days;
}
