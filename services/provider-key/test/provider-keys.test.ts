import test from 'ava';
import type { Connection } from 'mongoose';
import { AppError } from '@tollgate/platform';
import {
  admin,
  agent,
  budgetService,
  manager,
  member,
  openAiKey,
  outboxEvents,
  codeOf,
  startProviderKeyStack,
  tokenOf,
  type ProviderKeyClient,
} from './helpers.js';

let pk: ProviderKeyClient;
let db: Connection;
let close: () => Promise<void>;

test.before(async () => {
  ({ pk, db, close } = await startProviderKeyStack());
});
test.after.always(() => close?.());

test('when an admin creates a key, then the response shows the mask and never the key', async (t) => {
  const apiKey = openAiKey('wxyz');
  const info = await pk.CreateKey({ provider: 'openai', name: 'prod', api_key: apiKey }, { principal: admin });
  t.regex(info.id, /^pk_/);
  t.is(info.provider, 'openai');
  t.is(info.name, 'prod');
  t.is(info.masked, 'sk-…wxyz');
  t.is(info.base_url, 'https://api.openai.com/v1');
  t.false(info.disabled);
  t.truthy(Date.parse(info.created_at));
  t.is(info.rotated_at, '');
  t.false(JSON.stringify(info).includes(apiKey));

  const got = await pk.GetKey({ id: info.id }, { principal: manager });
  t.deepEqual(got, info);
});

test('when a key is created, then provider_key.created is audited with the caller and without the key', async (t) => {
  const apiKey = openAiKey('aud1');
  const info = await pk.CreateKey(
    { provider: 'anthropic', name: 'claude', api_key: apiKey },
    { principal: admin, requestId: 'req-create-1' },
  );
  const events = (await outboxEvents(db)).filter((e) => e.resource.id === info.id);
  t.is(events.length, 1);
  t.is(events[0].action, 'provider_key.created');
  t.deepEqual(events[0].actor, { type: 'user', id: admin.id });
  t.deepEqual(events[0].details, { provider: 'anthropic', name: 'claude', base_url: 'https://api.anthropic.com' });
  t.false(events[0].raw.includes(apiKey));
});

test('when someone other than an admin writes, then it is forbidden', async (t) => {
  const req = { provider: 'openai', name: 'x', api_key: openAiKey() };
  t.is(await codeOf(pk.CreateKey(req, { principal: manager })), 'forbidden');
  t.is(await codeOf(pk.CreateKey(req, { principal: member })), 'forbidden');
  t.is(await codeOf(pk.CreateKey(req, { principal: agent })), 'forbidden');
  t.is(await codeOf(pk.CreateKey(req, { principal: budgetService })), 'forbidden');
  t.is(await codeOf(pk.CreateKey(req, { principal: tokenOf(admin, ['keys:read']) })), 'insufficient_scope');
  t.is(await codeOf(pk.CreateKey(req, { principal: tokenOf(admin, ['keys:write']) })), 'ok');

  const info = await pk.CreateKey(req, { principal: admin });
  t.is(await codeOf(pk.UpdateKey({ id: info.id, name: 'y' }, { principal: manager })), 'forbidden');
  t.is(await codeOf(pk.RotateKey({ id: info.id, api_key: openAiKey('rot0') }, { principal: manager })), 'forbidden');
  t.is(await codeOf(pk.DeleteKey({ id: info.id }, { principal: tokenOf(admin, ['keys:read']) })), 'insufficient_scope');
});

test('when someone below manager reads, then it is forbidden; managers and scoped tokens may read', async (t) => {
  const info = await pk.CreateKey({ provider: 'openai', name: 'read-me', api_key: openAiKey() }, { principal: admin });
  t.is(await codeOf(pk.GetKey({ id: info.id }, { principal: member })), 'forbidden');
  t.is(await codeOf(pk.ListKeys({}, { principal: member })), 'forbidden');
  t.is(await codeOf(pk.GetKey({ id: info.id }, { principal: agent })), 'forbidden');
  t.is(await codeOf(pk.GetKey({ id: info.id }, { principal: tokenOf(manager, ['agents:read']) })), 'insufficient_scope');
  t.is(await codeOf(pk.GetKey({ id: info.id }, { principal: tokenOf(manager, ['keys:read']) })), 'ok');
  t.is(await codeOf(pk.GetKey({ id: info.id }, { principal: tokenOf(member, ['keys:read']) })), 'forbidden');
});

test('when keys are listed, then they page by cursor and filter by provider', async (t) => {
  const ids: string[] = [];
  for (let i = 0; i < 5; i++) {
    ids.push((await pk.CreateKey({ provider: 'mistral', name: `m${i}`, api_key: openAiKey(`mm${i}0`) }, { principal: admin })).id);
  }
  const seen: string[] = [];
  let cursor = '';
  do {
    const page = await pk.ListKeys({ provider: 'mistral', page: { limit: 2, cursor } }, { principal: manager });
    t.true(page.items.length <= 2);
    for (const item of page.items) {
      t.is(item.provider, 'mistral');
      seen.push(item.id);
    }
    cursor = page.next_cursor;
  } while (cursor);
  t.deepEqual(seen, ids);
  t.is(await codeOf(pk.ListKeys({ page: { limit: 101 } }, { principal: manager })), 'validation_failed');
  t.is(await codeOf(pk.ListKeys({ page: { cursor: 'nope' } }, { principal: manager })), 'validation_failed');
});

test('when a key is updated, then only the given fields change and the change is audited with the version it made', async (t) => {
  const info = await pk.CreateKey({ provider: 'openai', name: 'before', api_key: openAiKey() }, { principal: admin });
  const renamed = await pk.UpdateKey({ id: info.id, name: 'after' }, { principal: admin });
  t.is(renamed.name, 'after');
  t.false(renamed.disabled);
  t.is(renamed.base_url, info.base_url);
  const disabled = await pk.UpdateKey(
    { id: info.id, disabled: true, base_url: 'https://proxy.example.com/v1/', api_key: openAiKey('moved') },
    { principal: admin },
  );
  t.true(disabled.disabled);
  t.is(disabled.name, 'after');
  t.is(disabled.base_url, 'https://proxy.example.com/v1');
  const events = (await outboxEvents(db)).filter((e) => e.resource.id === info.id && e.action === 'provider_key.updated');
  t.deepEqual(
    events.map((e) => e.details),
    [
      { provider: 'openai', name: 'after', version: 2 },
      { provider: 'openai', disabled: true, base_url: 'https://proxy.example.com/v1', key_replaced: true, version: 3 },
    ],
  );
});

test('when a key is rotated, then the mask and rotated_at change and the change is audited without the key', async (t) => {
  const info = await pk.CreateKey({ provider: 'openai', name: 'rot', api_key: openAiKey('old1') }, { principal: admin });
  const newKey = openAiKey('new2');
  const rotated = await pk.RotateKey({ id: info.id, api_key: newKey }, { principal: admin });
  t.is(rotated.masked, 'sk-…new2');
  t.truthy(Date.parse(rotated.rotated_at));
  t.is(rotated.created_at, info.created_at);
  const events = (await outboxEvents(db)).filter((e) => e.resource.id === info.id && e.action === 'provider_key.rotated');
  t.is(events.length, 1);
  t.false(events[0].raw.includes(newKey));
});

test('when a key is deleted, then it is gone and the deletion is audited', async (t) => {
  const info = await pk.CreateKey({ provider: 'openai', name: 'bye', api_key: openAiKey() }, { principal: admin });
  await pk.DeleteKey({ id: info.id }, { principal: admin });
  t.is(await codeOf(pk.GetKey({ id: info.id }, { principal: admin })), 'not_found');
  t.is(await codeOf(pk.DeleteKey({ id: info.id }, { principal: admin })), 'not_found');
  const events = (await outboxEvents(db)).filter((e) => e.resource.id === info.id);
  t.deepEqual(
    events.map((e) => e.action),
    ['provider_key.created', 'provider_key.deleted'],
  );
});

test('when the input is invalid, then it is rejected with validation_failed naming the field, and no key value is echoed', async (t) => {
  const bad = async (req: Record<string, string>, field: string) => {
    try {
      await pk.CreateKey({ provider: 'openai', name: 'n', api_key: openAiKey(), ...req }, { principal: admin });
      t.fail(`accepted ${JSON.stringify(req)}`);
    } catch (err) {
      t.true(err instanceof AppError);
      const e = err as AppError;
      t.is(e.code, 'validation_failed');
      t.truthy(e.details?.[field], `${field} in ${JSON.stringify(e.details)}`);
      if (req.api_key) t.false(JSON.stringify({ m: e.message, d: e.details }).includes(req.api_key));
    }
  };
  await bad({ provider: '' }, 'provider');
  await bad({ provider: 'Open AI!' }, 'provider');
  await bad({ name: '' }, 'name');
  await bad({ name: 'x'.repeat(101) }, 'name');
  await bad({ api_key: 'short' }, 'api_key');
  await bad({ api_key: 'sk-has a space in it 123' }, 'api_key');
  await bad({ base_url: 'ftp://example.com' }, 'base_url');
  await bad({ base_url: 'http://api.example.com/v1' }, 'base_url');
  await bad({ base_url: 'https://user:pw@example.com' }, 'base_url');
  await bad({ provider: 'acme', base_url: '' }, 'base_url');
  const local = await pk.CreateKey(
    { provider: 'acme', name: 'local', api_key: openAiKey(), base_url: 'http://127.0.0.1:9999/v1' },
    { principal: admin },
  );
  t.is(local.base_url, 'http://127.0.0.1:9999/v1');
});

test('when an unknown or malformed id is asked for, then it is not found', async (t) => {
  t.is(await codeOf(pk.GetKey({ id: 'pk_000000000000000000000000' }, { principal: admin })), 'not_found');
  t.is(await codeOf(pk.GetKey({ id: '{"$ne":null}' }, { principal: admin })), 'not_found');
  t.is(await codeOf(pk.UpdateKey({ id: 'nope', name: 'x' }, { principal: admin })), 'not_found');
});
