import test from 'ava';
import type { Connection } from 'mongoose';
import { decryptIpToken } from '@tollgate/sdk';
import type { Stack } from '../../../test/support/stack.js';
import {
  admin,
  agent,
  budgetService,
  gatewayService,
  openAiKey,
  outboxEvents,
  codeOf,
  startProviderKeyStack,
  tokenOf,
  type ProviderKeyClient,
} from './helpers.js';

let stack: Stack;
let pk: ProviderKeyClient;
let db: Connection;
let close: () => Promise<void>;

test.before(async () => {
  ({ stack, pk, db, close } = await startProviderKeyStack());
});
test.after.always(() => close?.());

test('when the budget service asks for an IP token, then the agent runtime opens it with the SDK and gets the key', async (t) => {
  const apiKey = openAiKey('ip01');
  const key = await pk.CreateKey({ provider: 'groq', name: 'groq', api_key: apiKey }, { principal: admin });
  const before = Date.now();
  const res = await pk.IssueIpToken({ agent_id: 'agt_round', provider: 'groq', ttl_seconds: 120 }, { principal: budgetService });
  t.regex(res.ip_token, /^ip_v1:[A-Za-z0-9_-]+$/);
  t.false(res.ip_token.includes(apiKey));
  t.is(res.key_id, key.id);
  const expiresAt = Date.parse(res.expires_at);
  t.true(expiresAt >= before + 120_000 && expiresAt <= Date.now() + 120_000);

  const opened = decryptIpToken(res.ip_token, stack.secrets.IP_TOKEN_KEY, { agentId: 'agt_round' });
  t.deepEqual(opened, {
    apiKey,
    baseUrl: 'https://api.groq.com/openai/v1',
    provider: 'groq',
    keyId: key.id,
    expiresAt: new Date(expiresAt),
  });
  t.throws(() => decryptIpToken(res.ip_token, stack.secrets.IP_TOKEN_KEY, { agentId: 'agt_other' }));
  t.throws(() => decryptIpToken(res.ip_token, stack.secrets.IP_TOKEN_KEY, { agentId: 'agt_round', now: expiresAt }));
});

test('when an IP token is issued, then provider_key.accessed and ip_token.issued are audited without secrets', async (t) => {
  const apiKey = openAiKey('ip02');
  const key = await pk.CreateKey(
    { provider: 'audited', name: 'a', api_key: apiKey, base_url: 'https://llm.example.com' },
    { principal: admin },
  );
  const res = await pk.IssueIpToken({ agent_id: 'agt_audit', provider: 'audited' }, { principal: budgetService });
  const events = (await outboxEvents(db)).filter((e) => e.resource.id === key.id && e.action !== 'provider_key.created');
  t.deepEqual(
    events.map((e) => [e.action, e.actor, e.details]),
    [
      [
        'provider_key.accessed',
        { type: 'agent', id: 'agt_audit' },
        { provider: 'audited', agent_id: 'agt_audit', purpose: 'ip_token', via: 'budget' },
      ],
      [
        'ip_token.issued',
        { type: 'agent', id: 'agt_audit' },
        { agent_id: 'agt_audit', provider: 'audited', expires_at: res.expires_at, via: 'budget' },
      ],
    ],
  );
  for (const e of events) {
    t.false(e.raw.includes(apiKey));
    t.false(e.raw.includes(res.ip_token));
  }
});

test('when no TTL is asked for, then the configured default applies; a TTL beyond the maximum is refused', async (t) => {
  await pk.CreateKey({ provider: 'ttl', name: 't', api_key: openAiKey(), base_url: 'https://ttl.example.com' }, { principal: admin });
  const res = await pk.IssueIpToken({ agent_id: 'agt_ttl', provider: 'ttl' }, { principal: budgetService });
  const ttl = Date.parse(res.expires_at) - Date.now();
  t.true(ttl > 890_000 && ttl <= 900_000, String(ttl));
  t.is(
    await codeOf(pk.IssueIpToken({ agent_id: 'agt_ttl', provider: 'ttl', ttl_seconds: 86_401 }, { principal: budgetService })),
    'validation_failed',
  );
  t.is(
    await codeOf(pk.IssueIpToken({ agent_id: 'agt_ttl', provider: 'ttl', ttl_seconds: -5 }, { principal: budgetService })),
    'validation_failed',
  );
  t.is(await codeOf(pk.IssueIpToken({ agent_id: '', provider: 'ttl' }, { principal: budgetService })), 'validation_failed');
});

test('when a bound is given, then the IP token ends there even if the TTL runs longer; a bound that has passed or is not a time is refused', async (t) => {
  await pk.CreateKey(
    { provider: 'bounded', name: 'b', api_key: openAiKey(), base_url: 'https://bounded.example.com' },
    { principal: admin },
  );
  const notAfter = new Date(Date.now() + 30_500).toISOString();
  const res = await pk.IssueIpToken(
    { agent_id: 'agt_bound', provider: 'bounded', ttl_seconds: 31, not_after: notAfter },
    { principal: budgetService },
  );
  t.is(res.expires_at, notAfter);
  t.deepEqual(decryptIpToken(res.ip_token, stack.secrets.IP_TOKEN_KEY, { agentId: 'agt_bound' }).expiresAt, new Date(notAfter));
  const later = await pk.IssueIpToken(
    { agent_id: 'agt_bound', provider: 'bounded', ttl_seconds: 5, not_after: notAfter },
    { principal: budgetService },
  );
  t.true(Date.parse(later.expires_at) < Date.parse(notAfter), 'the shorter of the two wins');
  const past = new Date(Date.now() - 1_000).toISOString();
  t.is(
    await codeOf(pk.IssueIpToken({ agent_id: 'agt_bound', provider: 'bounded', not_after: past }, { principal: budgetService })),
    'validation_failed',
  );
  t.is(
    await codeOf(pk.IssueIpToken({ agent_id: 'agt_bound', provider: 'bounded', not_after: 'tomorrow' }, { principal: budgetService })),
    'validation_failed',
  );
  const issued = (await outboxEvents(db)).filter((e) => e.action === 'ip_token.issued' && e.details.agent_id === 'agt_bound');
  t.is(issued.length, 2, 'a refused bound decrypts nothing and issues nothing');
});

test('when anyone but a service asks to decrypt a key, then it is forbidden', async (t) => {
  await pk.CreateKey({ provider: 'guarded', name: 'g', api_key: openAiKey(), base_url: 'https://g.example.com' }, { principal: admin });
  for (const principal of [admin, tokenOf(admin, ['keys:read', 'keys:write']), agent]) {
    t.is(await codeOf(pk.IssueIpToken({ agent_id: 'agt_1', provider: 'guarded' }, { principal })), 'forbidden');
    t.is(await codeOf(pk.ResolveForProxy({ agent_id: 'agt_1', provider: 'guarded' }, { principal })), 'forbidden');
  }
});

test('when the proxy resolves a key, then it gets the newest enabled key of the provider and the access is audited', async (t) => {
  const older = await pk.CreateKey(
    { provider: 'proxied', name: 'old', api_key: openAiKey('old9'), base_url: 'https://p.example.com' },
    { principal: admin },
  );
  const newerKey = openAiKey('new9');
  const newer = await pk.CreateKey(
    { provider: 'proxied', name: 'new', api_key: newerKey, base_url: 'https://p2.example.com' },
    { principal: admin },
  );
  const res = await pk.ResolveForProxy({ provider: 'proxied', agent_id: 'agt_proxy' }, { principal: gatewayService });
  t.like(res, { key_id: newer.id, api_key: newerKey, base_url: 'https://p2.example.com', unchanged: false });

  await pk.UpdateKey({ id: newer.id, disabled: true }, { principal: admin });
  const fallback = await pk.ResolveForProxy({ provider: 'proxied', agent_id: 'agt_proxy' }, { principal: gatewayService });
  t.is(fallback.key_id, older.id);
  t.is(fallback.api_key, openAiKey('old9'));

  const accessed = (await outboxEvents(db)).filter((e) => e.action === 'provider_key.accessed' && e.details.agent_id === 'agt_proxy');
  t.deepEqual(
    accessed.map((e) => [e.resource.id, e.actor, e.details.purpose, e.details.via]),
    [
      [newer.id, { type: 'agent', id: 'agt_proxy' }, 'proxy', 'gateway'],
      [older.id, { type: 'agent', id: 'agt_proxy' }, 'proxy', 'gateway'],
    ],
  );
});

test('when the proxy names the key it holds, then an unchanged key is confirmed without the secret or an audit, and a changed one is handed out', async (t) => {
  const key = await pk.CreateKey(
    { provider: 'held', name: 'h', api_key: openAiKey('h001'), base_url: 'https://h.example.com' },
    { principal: admin },
  );
  const resolve = (known: { known_key_id?: string; known_version?: number } = {}) =>
    pk.ResolveForProxy({ provider: 'held', agent_id: 'agt_held', ...known }, { principal: gatewayService });
  const first = await resolve();
  t.like(first, { key_id: key.id, api_key: openAiKey('h001'), unchanged: false });
  const held = { known_key_id: first.key_id, known_version: first.version };
  t.deepEqual(await resolve(held), { key_id: key.id, api_key: '', base_url: '', version: first.version, unchanged: true });
  t.deepEqual(await resolve(held), { key_id: key.id, api_key: '', base_url: '', version: first.version, unchanged: true });

  await pk.RotateKey({ id: key.id, api_key: openAiKey('h002') }, { principal: admin });
  const rotated = await resolve(held);
  t.like(rotated, { key_id: key.id, api_key: openAiKey('h002'), base_url: 'https://h.example.com', unchanged: false });
  t.true(rotated.version > first.version);
  t.like(await resolve({ known_key_id: 'pk_someotherkey', known_version: rotated.version }), {
    api_key: openAiKey('h002'),
    unchanged: false,
  });

  await pk.UpdateKey({ id: key.id, disabled: true }, { principal: admin });
  t.is(await codeOf(resolve({ known_key_id: key.id, known_version: rotated.version })), 'not_found', 'a disabled key is not confirmed');

  const accessed = (await outboxEvents(db)).filter((e) => e.action === 'provider_key.accessed' && e.details.agent_id === 'agt_held');
  t.is(accessed.length, 3, 'audited: the first resolution, the rotated key, and the one asked for by another id');
});

test('when a provider has no enabled key, then IssueIpToken and ResolveForProxy answer not_found', async (t) => {
  const only = await pk.CreateKey(
    { provider: 'off', name: 'o', api_key: openAiKey(), base_url: 'https://off.example.com' },
    { principal: admin },
  );
  await pk.UpdateKey({ id: only.id, disabled: true }, { principal: admin });
  t.is(await codeOf(pk.IssueIpToken({ agent_id: 'agt_1', provider: 'off' }, { principal: budgetService })), 'not_found');
  t.is(await codeOf(pk.ResolveForProxy({ agent_id: 'agt_1', provider: 'none-at-all' }, { principal: gatewayService })), 'not_found');
});

test('when a key is rotated, then new IP tokens carry the new key', async (t) => {
  const key = await pk.CreateKey(
    { provider: 'rotating', name: 'r', api_key: openAiKey('r001'), base_url: 'https://r.example.com' },
    { principal: admin },
  );
  await pk.RotateKey({ id: key.id, api_key: openAiKey('r002') }, { principal: admin });
  const res = await pk.IssueIpToken({ agent_id: 'agt_rot', provider: 'rotating' }, { principal: budgetService });
  t.is(decryptIpToken(res.ip_token, stack.secrets.IP_TOKEN_KEY, { agentId: 'agt_rot' }).apiKey, openAiKey('r002'));
});
