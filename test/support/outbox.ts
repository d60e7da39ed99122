import type { Connection } from 'mongoose';

export interface OutboxEvent {
  action: string;
  actor: { type: string; id?: string };
  resource: { type: string; id?: string };
  outcome: string;
  details: Record<string, unknown>;
  requestId: string;
  raw: string;
}

/** Audit events still waiting in the outbox (the tests run without an audit service). */
export async function outboxEvents(db: Connection): Promise<OutboxEvent[]> {
  const docs = await db.collection('audit_outbox').find({}).sort({ created_at: 1 }).toArray();
  return docs.map((d) => {
    const e = d.event as {
      action: string;
      actor: OutboxEvent['actor'];
      resource: OutboxEvent['resource'];
      outcome: string;
      details_json: string;
      request_id: string;
    };
    const details = JSON.parse(e.details_json) as Record<string, unknown>;
    return {
      action: e.action,
      actor: e.actor,
      resource: e.resource,
      outcome: e.outcome,
      details,
      requestId: e.request_id,
      raw: JSON.stringify(d),
    };
  });
}
