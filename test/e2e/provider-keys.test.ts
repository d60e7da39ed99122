import test from 'ava';
import type { Stack } from '../support/stack.js';
import { patOf, people, startMoneyStack, type People } from '../support/factories.js';

// The "Provider keys" routes of the REST API (/openapi.json) through the real HTTPS gateway.
let stack: Stack;
let p: People;
const plaintext = 'sk-live-E2EPLAINTEXTKEYxxxxxxxxxxxx9876';

test.before(async () => {
  stack = await startMoneyStack();
  p = await people(stack);
});
test.after.always(() => stack?.close());

const create = (token: string, json: Record<string, unknown>) => stack.http.post('/v1/provider-keys', { token, json });

test('when an admin stores a key, then 201 answers the mask and never the key', async (t) => {
  const res = await create(p.admin.access_token, { provider: 'openai', name: 'prod', api_key: plaintext });
  t.is(res.status, 201);
  t.like(res.body, {
    provider: 'openai',
    name: 'prod',
    masked: 'sk-…9876',
    base_url: 'https://api.openai.com/v1',
    disabled: false,
    rotated_at: null,
  });
  t.regex(res.body.id, /^pk_/);
  t.truthy(Date.parse(res.body.created_at));
  t.false(res.text.includes('E2EPLAINTEXTKEY'));
});

test('when someone other than an admin stores a key, then 403', async (t) => {
  const body = { provider: 'openai', name: 'x', api_key: plaintext };
  t.is((await create(p.manager.access_token, body)).status, 403);
  t.is((await create(p.member.access_token, body)).status, 403);
  const readOnly = await patOf(stack, p.admin, ['keys:read']);
  const res = await create(readOnly, body);
  t.is(res.status, 403);
  t.is(res.body.error.code, 'insufficient_scope');
  t.is((await create(await patOf(stack, p.admin, ['keys:write']), body)).status, 201);
});

test('when the body is wrong, then 400 names the field and never echoes the key', async (t) => {
  const unknown = await create(p.admin.access_token, { provider: 'openai', name: 'x', api_key: plaintext, owner: 'me' });
  t.is(unknown.status, 400);
  t.is(unknown.body.error.code, 'validation_failed');
  const injected = await create(p.admin.access_token, { provider: { $ne: null }, name: 'x', api_key: plaintext });
  t.is(injected.status, 400);
  const short = await create(p.admin.access_token, { provider: 'openai', name: 'x', api_key: 'short key 1' });
  t.is(short.status, 400);
  t.truthy(short.body.error.details.api_key);
  t.false(short.text.includes('short key 1'));
  const noBase = await create(p.admin.access_token, { provider: 'acme', name: 'x', api_key: plaintext });
  t.is(noBase.status, 400);
  t.truthy(noBase.body.error.details.base_url);
});

test('when managers list and get keys, then they see masked keys; members cannot', async (t) => {
  const created = (await create(p.admin.access_token, { provider: 'anthropic', name: 'claude', api_key: plaintext })).body;
  const list = await stack.http.get('/v1/provider-keys?provider=anthropic&limit=100', { token: p.manager.access_token });
  t.is(list.status, 200);
  t.true(list.body.items.some((k: { id: string }) => k.id === created.id));
  t.is(list.body.next_cursor, null);
  t.false(list.text.includes('E2EPLAINTEXTKEY'));
  const one = await stack.http.get(`/v1/provider-keys/${created.id}`, { token: p.manager.access_token });
  t.is(one.status, 200);
  t.deepEqual(one.body, created);
  t.is((await stack.http.get('/v1/provider-keys', { token: p.member.access_token })).status, 403);
  t.is((await stack.http.get(`/v1/provider-keys/${created.id}`, { token: p.viewer.access_token })).status, 403);
  t.is((await stack.http.get('/v1/provider-keys/pk_0000000000000000000000000', { token: p.admin.access_token })).status, 404);
  const paged = await stack.http.get('/v1/provider-keys?limit=1', { token: p.admin.access_token });
  t.is(paged.body.items.length, 1);
  t.truthy(paged.body.next_cursor);
});

test('when an admin patches a key, then only the given fields change', async (t) => {
  const created = (await create(p.admin.access_token, { provider: 'openai', name: 'patch-me', api_key: plaintext })).body;
  const res = await stack.http.patch(`/v1/provider-keys/${created.id}`, {
    token: p.admin.access_token,
    json: { name: 'patched', disabled: true },
  });
  t.is(res.status, 200);
  t.like(res.body, { name: 'patched', disabled: true, base_url: created.base_url, masked: created.masked });
  const url = await stack.http.patch(`/v1/provider-keys/${created.id}`, {
    token: p.admin.access_token,
    json: { base_url: 'https://gw.example.com/v1', api_key: plaintext },
  });
  t.is(url.body.base_url, 'https://gw.example.com/v1');
  t.is((await stack.http.patch(`/v1/provider-keys/${created.id}`, { token: p.manager.access_token, json: { name: 'x' } })).status, 403);
  t.is(
    (await stack.http.patch(`/v1/provider-keys/${created.id}`, { token: p.admin.access_token, json: { api_key: plaintext } })).status,
    400,
  );
});

test('when an admin rotates a key, then the mask and rotated_at change', async (t) => {
  const created = (await create(p.admin.access_token, { provider: 'openai', name: 'rotate-me', api_key: plaintext })).body;
  const res = await stack.http.post(`/v1/provider-keys/${created.id}/rotate`, {
    token: p.admin.access_token,
    json: { api_key: 'sk-live-E2EPLAINTEXTKEYrotatedxxxx5555' },
  });
  t.is(res.status, 200);
  t.is(res.body.masked, 'sk-…5555');
  t.truthy(Date.parse(res.body.rotated_at));
  t.false(res.text.includes('E2EPLAINTEXTKEY'));
  t.is(
    (await stack.http.post(`/v1/provider-keys/${created.id}/rotate`, { token: p.manager.access_token, json: { api_key: plaintext } }))
      .status,
    403,
  );
});

test('when an admin deletes a key, then 204 and it is gone', async (t) => {
  const created = (await create(p.admin.access_token, { provider: 'openai', name: 'delete-me', api_key: plaintext })).body;
  t.is((await stack.http.delete(`/v1/provider-keys/${created.id}`, { token: p.manager.access_token })).status, 403);
  const res = await stack.http.delete(`/v1/provider-keys/${created.id}`, { token: p.admin.access_token });
  t.is(res.status, 204);
  t.is(res.text, '');
  t.is((await stack.http.get(`/v1/provider-keys/${created.id}`, { token: p.admin.access_token })).status, 404);
  t.is((await stack.http.delete(`/v1/provider-keys/${created.id}`, { token: p.admin.access_token })).status, 404);
});
