import type { Connection } from 'mongoose';
import { NumberedLog, type SealedSecret, type SecretBox } from '@tollgate/platform';
import type { WebhookRepository } from '../domain/webhook-repository.js';
import type { DeadLetter, DeliveryRecord, WebhookEndpoint, WebhookProgress } from '../domain/webhook.js';

type Doc<T> = Omit<T, 'id'> & { _id: string };
/** An endpoint as stored: its signing secret sealed (`secret` only in documents of an earlier version). */
type EndpointDoc = Omit<Doc<WebhookEndpoint>, 'secret'> & { secret_sealed?: SealedSecret; secret?: string };

/**
 * Webhooks in MongoDB, each collection written by one role so that no two writers ever
 * update one document: `webhooks` (admins' settings), `webhook_progress` (the dispatcher's
 * cursor and retry), `webhook_dead_letters` (keyed `<endpoint>:<event>`), and one delivery
 * log per endpoint, `webhook_deliveries_<id>`, a NumberedLog read by key lookups alone.
 * Signing secrets are sealed with `box` (AES-256-GCM, the endpoint's id bound to it).
 */
export function createWebhookStore(conn: Connection, box: SecretBox): WebhookRepository {
  const db = conn.db!;
  const endpoints = db.collection<EndpointDoc>('webhooks');
  const progress = db.collection<Doc<WebhookProgress>>('webhook_progress');
  const dead = db.collection<DeadLetter & { _id: string }>('webhook_dead_letters');
  const logs = new Map<string, NumberedLog<DeliveryRecord>>();
  const logOf = (id: string) => {
    let log = logs.get(id);
    if (!log) logs.set(id, (log = new NumberedLog<DeliveryRecord>(conn, `webhook_deliveries_${id}`)));
    return log;
  };
  const endpointOf = ({ _id, secret_sealed, secret, ...doc }: EndpointDoc): WebhookEndpoint => ({
    id: _id,
    ...doc,
    secret: secret_sealed ? box.open(secret_sealed, _id) : (secret ?? ''),
  });

  return {
    async insert({ id, secret, ...endpoint }) {
      await endpoints.insertOne({ _id: id, ...endpoint, secret_sealed: box.seal(secret, id) });
    },
    async reseal() {
      // At start-up, once per endpoint after an upgrade or a key rotation (an admin's change at that very moment could be
      // undone on the embedded database, whose updates rewrite the whole document). Endpoints are few (MAX_WEBHOOKS).
      const stale = (await endpoints.find({}).toArray()).filter((doc) => doc.secret_sealed?.kid !== box.activeKid);
      for (const doc of stale) {
        const secret = endpointOf(doc).secret;
        await endpoints.updateOne({ _id: doc._id }, { $set: { secret_sealed: box.seal(secret, doc._id) }, $unset: { secret: '' } });
      }
      return stale.length;
    },
    async all() {
      const docs = await endpoints.find({}).toArray();
      return docs.map(endpointOf).sort((a, b) => a.created_at.getTime() - b.created_at.getTime() || a.id.localeCompare(b.id));
    },
    count: () => endpoints.countDocuments({}),
    async findById(id) {
      const doc = await endpoints.findOne({ _id: id });
      return doc ? endpointOf(doc) : null;
    },
    async update(id, changes) {
      return (await endpoints.updateOne({ _id: id }, { $set: changes })).matchedCount === 1;
    },
    async remove(id) {
      const removed = (await endpoints.deleteOne({ _id: id })).deletedCount === 1;
      await progress.deleteOne({ _id: id });
      await dead.deleteMany({ webhook_id: id });
      await db.dropCollection(`webhook_deliveries_${id}`).catch(() => undefined);
      logs.delete(id);
      return removed;
    },

    async progress(id) {
      const doc = await progress.findOne({ _id: id });
      if (!doc) return null;
      const { _id, ...p } = doc;
      return { id: _id, ...p };
    },
    async saveProgress({ id, ...p }) {
      await progress.replaceOne({ _id: id }, p, { upsert: true });
    },

    logDelivery: (d) => logOf(d.webhook_id).append(d),
    lastDelivery: (id) => logOf(id).last(),
    deliveries: (id, from, to) => logOf(id).read(from, to),

    async addDeadLetter(d) {
      await dead.replaceOne({ _id: `${d.webhook_id}:${d.event_id}` }, d, { upsert: true });
    },
    async deadLetters(id) {
      const docs = await dead.find({ webhook_id: id }).toArray();
      return docs.map(({ _id, ...d }) => d).sort((a, b) => b.failed_at.getTime() - a.failed_at.getTime());
    },
    async removeDeadLetter(id, eventId) {
      await dead.deleteOne({ _id: `${id}:${eventId}` });
    },
  };
}
