import test from 'ava';
import type { Connection } from 'mongoose';
import { createServiceClient, type OutgoingCall } from '@tollgate/platform';
import { loadProviderKey } from '@tollgate/proto';
import type { Stack } from '../../../test/support/stack.js';
import { admin, codeOf, gatewayService, openAiKey, outboxEvents, startProviderKeyStack, type ProviderKeyClient } from './helpers.js';

// Two replicas of the provider-key service on one database; calls alternate between them.
let stack: Stack;
let db: Connection;
let replicas: ProviderKeyClient[];
let close: () => Promise<void>;

test.before(async () => {
  const started = await startProviderKeyStack();
  ({ stack, db } = started);
  const replica = await stack.startReplica('provider-key');
  const second = createServiceClient(loadProviderKey().ProviderKey, replica.addr, {
    issuer: 'test',
    secret: stack.secrets.SERVICE_TOKEN_SECRET,
  });
  replicas = [started.pk, second.call];
  close = async () => {
    second.close();
    await replica.stop();
    await started.close();
  };
});
test.after.always(() => close?.());

interface KeyView {
  name: string;
  disabled: boolean;
  base_url: string;
  masked: string;
}

/** One admin call: what it asks for, and how it changes a key's state when it is applied. */
interface Change {
  requestId: string;
  send(pk: ProviderKeyClient, id: string, call: OutgoingCall): Promise<unknown>;
  apply(state: KeyView): KeyView;
}

const rotation = (requestId: string, apiKey: string): Change => ({
  requestId,
  send: (pk, id, call) => pk.RotateKey({ id, api_key: apiKey }, call),
  apply: (s) => ({ ...s, masked: `sk-…${apiKey.slice(-4)}` }),
});
const patch = (requestId: string, fields: { name?: string; disabled?: boolean }): Change => ({
  requestId,
  send: (pk, id, call) => pk.UpdateKey({ id, ...fields }, call),
  apply: (s) => ({ ...s, ...fields }),
});

/** A move to a new base URL, with the key entered again. */
const move = (requestId: string, baseUrl: string, apiKey: string): Change => ({
  requestId,
  send: (pk, id, call) => pk.UpdateKey({ id, base_url: baseUrl, api_key: apiKey }, call),
  apply: (s) => ({ ...s, base_url: baseUrl, masked: `sk-…${apiKey.slice(-4)}` }),
});

async function createKey(provider: string, apiKey: string) {
  const info = await replicas[0].CreateKey(
    { provider, name: 'original', api_key: apiKey, base_url: 'https://llm.example.com/v1' },
    { principal: admin },
  );
  return { id: info.id, start: { name: info.name, disabled: info.disabled, base_url: info.base_url, masked: info.masked } };
}

/** Sends every change at once, alternating replicas; returns the codes in order. */
function race(id: string, changes: Change[]): Promise<string[]> {
  return Promise.all(
    changes.map((c, i) => codeOf(c.send(replicas[i % 2], id, { principal: admin, requestId: c.requestId, deadlineMs: 30_000 }))),
  );
}

/** The key's change events in version order, each with the request that made it. */
async function changeEvents(id: string) {
  const events = (await outboxEvents(db)).filter((e) => e.resource.id === id && e.action !== 'provider_key.created');
  return events.sort((a, b) => (a.details.version as number) - (b.details.version as number));
}

const view = (info: KeyView): KeyView => ({ name: info.name, disabled: info.disabled, base_url: info.base_url, masked: info.masked });

test('when rotations, disables, enables and patches of one key race on two replicas, then the key is every acknowledged change applied in one order', async (t) => {
  const { id, start } = await createKey('race-mixed', openAiKey('k000'));
  const keys = Array.from({ length: 8 }, (_, i) => openAiKey(`ro0${i}`));
  const changes: Change[] = [
    ...keys.map((k, i) => rotation(`rotate-${i}`, k)),
    ...[true, false, true, false, true].map((disabled, i) => patch(`disabled-${i}`, { disabled })),
    ...Array.from({ length: 5 }, (_, i) => patch(`name-${i}`, { name: `name-${i}` })),
    ...Array.from({ length: 3 }, (_, i) => move(`url-${i}`, `https://b${i}.example.com/v1`, openAiKey(`ur0${i}`))),
  ];

  t.deepEqual(
    await race(id, changes),
    changes.map(() => 'ok'),
    'every change is acknowledged',
  );

  const events = await changeEvents(id);
  t.deepEqual(
    events.map((e) => e.details.version),
    changes.map((_, i) => i + 2),
    'one version per acknowledged change, none skipped or taken twice',
  );
  const byRequest = new Map(changes.map((c) => [c.requestId, c]));
  t.deepEqual(events.map((e) => e.requestId).sort(), [...byRequest.keys()].sort(), 'one audit event per call');
  const expected = events.reduce((state, e) => byRequest.get(e.requestId)!.apply(state), start);

  for (const pk of replicas) {
    t.deepEqual(view(await pk.GetKey({ id }, { principal: admin })), expected, 'both replicas read the replayed state');
    const listed = await pk.ListKeys({ provider: 'race-mixed' }, { principal: admin });
    t.deepEqual(listed.items.map(view), [expected]);
    const resolved = pk.ResolveForProxy({ provider: 'race-mixed', agent_id: 'agt_race' }, { principal: gatewayService });
    if (expected.disabled) t.is(await codeOf(resolved), 'not_found');
    else t.is(`sk-…${(await resolved).api_key.slice(-4)}`, expected.masked, 'the proxy gets the secret of the rotation committed last');
  }
});

test('when a disable races with rotations and renames on two replicas, then the key stays disabled and only the last rotation is its secret', async (t) => {
  const { id } = await createKey('race-disable', openAiKey('k001'));
  const keys = Array.from({ length: 6 }, (_, i) => openAiKey(`rd0${i}`));
  const changes = [
    ...keys.map((k, i) => rotation(`rotate-${i}`, k)),
    patch('disable', { disabled: true }),
    ...Array.from({ length: 4 }, (_, i) => patch(`name-${i}`, { name: `renamed-${i}` })),
  ];

  t.deepEqual(
    await race(id, changes),
    changes.map(() => 'ok'),
  );

  for (const pk of replicas) {
    t.true((await pk.GetKey({ id }, { principal: admin })).disabled, 'no rotation or rename undid the disable');
    t.is(await codeOf(pk.ResolveForProxy({ provider: 'race-disable', agent_id: 'agt_race' }, { principal: gatewayService })), 'not_found');
  }
  const lastRotation = (await changeEvents(id)).filter((e) => e.action === 'provider_key.rotated').at(-1)!;
  const current = keys[Number(lastRotation.requestId.slice('rotate-'.length))];
  const stored = await db.collection('provider_key_versions').countDocuments({ key_id: id, secret: { $exists: true } });
  t.is(stored, 1, 'superseded versions no longer hold a sealed secret');

  await replicas[1].UpdateKey({ id, disabled: false }, { principal: admin });
  for (const pk of replicas) {
    const resolved = await pk.ResolveForProxy({ provider: 'race-disable', agent_id: 'agt_race' }, { principal: gatewayService });
    t.is(resolved.api_key, current, 'the secret is the one of the rotation committed last');
  }
});

test('when a delete races with rotations and patches on two replicas, then whatever was acknowledged came before it and the key is gone', async (t) => {
  const { id } = await createKey('race-delete', openAiKey('k002'));
  const changes: Change[] = [
    ...Array.from({ length: 4 }, (_, i) => rotation(`rotate-${i}`, openAiKey(`rx0${i}`))),
    { requestId: 'delete', send: (pk, keyId, call) => pk.DeleteKey({ id: keyId }, call), apply: (s) => s },
    ...Array.from({ length: 4 }, (_, i) => patch(`name-${i}`, { name: `late-${i}` })),
  ];

  const codes = await race(id, changes);

  t.true(
    codes.every((c) => c === 'ok' || c === 'not_found'),
    codes.join(),
  );
  t.is(codes[4], 'ok', 'the delete is acknowledged');
  const events = await changeEvents(id);
  t.deepEqual(
    events.map((e) => e.requestId).sort(),
    changes
      .filter((_, i) => codes[i] === 'ok')
      .map((c) => c.requestId)
      .sort(),
  );
  t.is(events.at(-1)!.action, 'provider_key.deleted', 'every acknowledged change has a lower version than the delete');
  t.deepEqual(
    events.map((e) => e.details.version),
    events.map((_, i) => i + 2),
  );
  for (const pk of replicas) {
    t.is(await codeOf(pk.GetKey({ id }, { principal: admin })), 'not_found');
    t.is(await codeOf(pk.ResolveForProxy({ provider: 'race-delete', agent_id: 'agt_race' }, { principal: gatewayService })), 'not_found');
    t.deepEqual((await pk.ListKeys({ provider: 'race-delete' }, { principal: admin })).items, []);
  }
});
