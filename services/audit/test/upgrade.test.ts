import test from 'ava';
import { asAdmin, asService, event, startAudit, type AuditHarness } from './helpers.js';

let h: AuditHarness;
test.before(async () => {
  h = await startAudit();
});
test.after.always(() => h?.close());

test('when events were stored by a version without pages, then the next start gives them their page and every read sees them', async (t) => {
  const events = Array.from({ length: 5 }, () => event('legacy'));
  await h.client.call.RecordBatch({ events }, asService());
  // As an earlier version stored them: no page, no recorded_at, no upgrade marker.
  const db = await h.db();
  await db.collection('audit_events').updateMany({}, { $unset: { page: '', recorded_at: '' } });
  await db.collection('audit_upgrades').deleteMany({});
  t.is(await db.collection('audit_events').countDocuments({ page: 0 }), 0);

  await h.stack.stop('audit');
  await h.stack.start('audit');
  const page = await h.client.call.Query({ page: { limit: 100 } }, asAdmin);
  t.deepEqual(
    page.items
      .map((e) => e.id)
      .filter((id) => events.some((e) => e.id === id))
      .sort(),
    events.map((e) => e.id).sort(),
  );
  t.like(await h.client.call.Verify({}, asAdmin), { ok: true });
  t.is(await db.collection('audit_events').countDocuments({ page: 0 }), await db.collection('audit_events').countDocuments({}));
});
