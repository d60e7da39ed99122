import { randomUUID } from 'node:crypto';
import test from 'ava';
import type { Principal } from '@tollgate/platform';
import { eventually } from '../../../test/support/eventually.js';
import { price } from '../../../test/support/prices.js';
import {
  admin,
  budgetService,
  codeOf,
  createAgent,
  errorOf,
  manager,
  member,
  outboxEvents,
  patient,
  startBudgetReplicas,
  tokenOf,
  usd,
  viewer,
  type TwoReplicas,
} from './helpers.js';

// Admins' price changes, on two replicas of the budget service against one database: every
// test may set a price on one replica and use it on the other.
let s: TwoReplicas;
test.before(async () => {
  s = await startBudgetReplicas();
});
test.after.always(() => s?.close());

type Client = TwoReplicas['budget'];
const setPrice = (client: Client, provider: string, model: string, input: number, output: number, principal: Principal = admin) =>
  client.SetPrice({ provider, model, ...price(input, output) }, patient(principal));
const removePrice = (client: Client, provider: string, model: string, principal: Principal = admin) =>
  client.RemovePrice({ provider, model }, patient(principal));
const pricesOf = async (client: Client, provider = '') => (await client.ListPrices({ provider }, { principal: viewer })).items;
const entryOf = async (client: Client, provider: string, model: string) =>
  (await pricesOf(client, provider)).find((p) => p.model === model);
/** What a usage report of 1,000 input and 1,000 output tokens is charged, as the agent. */
const charge = async (client: Client, as: Principal, model: string) =>
  (
    await client.ReportUsage(
      { lease_id: '', request_id: `r-${randomUUID()}`, provider: 'openai', model, input_tokens: 1_000, output_tokens: 1_000 },
      { principal: as },
    )
  ).charged_micros;
const priceEvents = async (model: string) =>
  (await outboxEvents(s.db)).filter((e) => e.action.startsWith('price.') && e.details.model === model);

test('when an admin sets, lists and removes prices, then the shipped table is overlaid and each change is audited with its old and new prices', async (t) => {
  const shipped = await pricesOf(s.budget);
  t.like(
    shipped.find((p) => p.provider === 'openai' && p.model === 'gpt-4o'),
    { ...price(2_500_000, 10_000_000), source: 'shipped' },
  );
  t.true(shipped.some((p) => p.provider === 'anthropic'));

  t.deepEqual(await setPrice(s.budget, 'openai', 'acme-chat-1', 1_000_000, 2_000_000), {
    provider: 'openai',
    model: 'acme-chat-1',
    ...price(1_000_000, 2_000_000),
    source: 'admin',
  });
  const openai = await pricesOf(s.budget, 'openai');
  t.true(openai.every((p) => p.provider === 'openai'));
  t.deepEqual(
    openai.map((p) => p.model),
    [...openai.map((p) => p.model)].sort(),
    'by model',
  );
  t.like(
    openai.find((p) => p.model === 'acme-chat-1'),
    { ...price(1_000_000, 2_000_000), source: 'admin' },
  );

  // A shipped model's price is replaced, then removed altogether.
  await setPrice(s.budget, 'openai', 'gpt-4.1-nano', 200_000, 800_000);
  t.like(await entryOf(s.budget, 'openai', 'gpt-4.1-nano'), { ...price(200_000, 800_000), source: 'admin' });
  t.like(await removePrice(s.budget, 'openai', 'gpt-4.1-nano'), { ...price(200_000, 800_000), source: 'admin' });
  t.is(await entryOf(s.budget, 'openai', 'gpt-4.1-nano'), undefined);
  t.is(await codeOf(removePrice(s.budget, 'openai', 'gpt-4.1-nano')), 'not_found', 'removed once');

  const [set] = await priceEvents('acme-chat-1');
  t.like(set, {
    action: 'price.set',
    actor: { type: 'user', id: admin.id },
    resource: { type: 'price', id: 'openai/acme-chat-1' },
    outcome: 'success',
  });
  t.like(set.details, { provider: 'openai', model: 'acme-chat-1', old: null, new: price(1_000_000, 2_000_000) });
  const nano = await priceEvents('gpt-4.1-nano');
  t.deepEqual(
    nano.map((e) => [e.action, e.details.old, e.details.new]),
    [
      ['price.set', price(100_000, 400_000), price(200_000, 800_000)],
      ['price.removed', price(200_000, 800_000), null],
    ],
  );
});

test('when a model is newly priced, then usage of it and of its dated snapshots is charged at that price; a removed model cannot be priced', async (t) => {
  const { as } = await createAgent(s, usd(10));
  t.is(await codeOf(charge(s.budget, as, 'acme-hold-1')), 'validation_failed');

  await setPrice(s.other.call, 'openai', 'acme-hold-1', 1_000_000, 2_000_000);
  t.is(await charge(s.other.call, as, 'acme-hold-1'), 1_000 + 2_000);
  t.is(await charge(s.other.call, as, 'acme-hold-1-2025-01-31'), 1_000 + 2_000, 'a dated snapshot');
  t.is(await codeOf(charge(s.other.call, as, 'acme-hold-1-pro')), 'validation_failed', 'never a plain prefix');
  const charged = await s.other.call.ReportUsage(
    { lease_id: '', request_id: 'acme-usage-1', provider: 'openai', model: 'acme-hold-1', input_tokens: 1_000_000, output_tokens: 500_000 },
    { principal: as },
  );
  t.is(charged.charged_micros, 2_000_000);

  await removePrice(s.other.call, 'openai', 'o1-mini');
  for (const model of ['o1-mini', 'o1-mini-2024-09-12']) t.is(await codeOf(charge(s.other.call, as, model)), 'validation_failed', model);
  t.is(await charge(s.other.call, as, 'o1'), 15_000 + 60_000, 'its neighbours keep their prices');
});

test('when a price change is invalid, then it is refused and nothing is recorded', async (t) => {
  const refused: [string, Promise<unknown>][] = [
    ['provider', setPrice(s.budget, 'Open AI!', 'm', 1, 1)],
    ['model with a space', setPrice(s.budget, 'openai', 'acme bad', 1, 1)],
    ['empty model', setPrice(s.budget, 'openai', '', 1, 1)],
    ['model of 201 characters', setPrice(s.budget, 'openai', 'm'.repeat(201), 1, 1)],
    ['negative price', setPrice(s.budget, 'openai', 'acme-invalid', -1, 1)],
    ['price over 10^12', setPrice(s.budget, 'openai', 'acme-invalid', 1, 1e12 + 1)],
    ['list of a bad provider', s.budget.ListPrices({ provider: 'a b' }, { principal: viewer })],
  ];
  for (const [what, call] of refused) t.is(await codeOf(call), 'validation_failed', what);
  const over = await errorOf(setPrice(s.budget, 'openai', 'acme-invalid', 1e12 + 1, 0));
  t.deepEqual(over.details, { input_usd_per_million: 'must be from 0 to 1000000 (USD per million tokens)' });
  t.is(await entryOf(s.budget, 'openai', 'acme-invalid'), undefined);

  t.like(await setPrice(s.budget, 'openai', 'ft:gpt-4o:acme.v2', 0, 1e12), price(0, 1e12), 'the bounds themselves, and . and : in a name');
  t.is(await codeOf(removePrice(s.budget, 'openai', 'acme-never-priced')), 'not_found');
  const snapshot = await errorOf(removePrice(s.budget, 'openai', 'gpt-4o-2024-08-06'));
  t.is(snapshot.code, 'not_found');
  t.regex(snapshot.message, /no price of its own/);
  t.is((await priceEvents('acme-invalid')).length + (await priceEvents('acme-never-priced')).length, 0);
});

test('when someone other than an admin changes a price, then it is refused; people of any role and services (the gateway) may list them', async (t) => {
  const refused: [string, Principal, string][] = [
    ['manager', manager, 'forbidden'],
    ['member', member, 'forbidden'],
    ['viewer', viewer, 'forbidden'],
    ["an admin's token without budgets:write", tokenOf(admin, ['budgets:read', 'keys:write']), 'insufficient_scope'],
    ['a service', budgetService, 'forbidden'],
  ];
  const { as: agent } = await createAgent(s, usd(1));
  refused.push(['an agent', agent, 'forbidden']);
  for (const [who, principal, code] of refused) {
    t.is(await codeOf(setPrice(s.budget, 'openai', 'acme-authz', 1, 1, principal)), code, `${who} sets`);
    t.is(await codeOf(removePrice(s.budget, 'openai', 'gpt-4o', principal)), code, `${who} removes`);
  }
  t.is(await entryOf(s.budget, 'openai', 'acme-authz'), undefined);
  t.truthy(await entryOf(s.budget, 'openai', 'gpt-4o'));
  t.like(
    await setPrice(s.budget, 'openai', 'acme-authz', 1, 1, tokenOf(admin, ['budgets:write'])),
    { source: 'admin' },
    "an admin's token with budgets:write",
  );

  for (const reader of [viewer, member, tokenOf(viewer, ['budgets:read']), budgetService])
    t.true((await s.budget.ListPrices({ provider: '' }, { principal: reader })).items.length > 0);
  t.is(await codeOf(s.budget.ListPrices({ provider: '' }, { principal: tokenOf(viewer, ['agents:read']) })), 'insufficient_scope');
  t.is(await codeOf(s.budget.ListPrices({ provider: '' }, { principal: agent })), 'forbidden');
});

test('when a price is set or removed on one replica, then the other prices usage with it within a second', async (t) => {
  const { as } = await createAgent(s, usd(10));
  const seenWithin = async (client: Client, model: string, present: boolean) => {
    const from = Date.now();
    const entry = await eventually(
      () => entryOf(client, 'openai', model),
      (e) => (e !== undefined) === present,
      2_000,
      20,
    );
    t.is(entry !== undefined, present, `${model} ${present ? 'set' : 'removed'} on the other replica`);
    return Date.now() - from;
  };

  await setPrice(s.other.call, 'openai', 'acme-replica-1', 3_000_000, 4_000_000);
  const setAfter = await seenWithin(s.budget, 'acme-replica-1', true);
  t.is(await charge(s.budget, as, 'acme-replica-1'), 3_000 + 4_000);

  await removePrice(s.budget, 'openai', 'acme-replica-1');
  const removedAfter = await seenWithin(s.other.call, 'acme-replica-1', false);
  t.is(await codeOf(charge(s.other.call, as, 'acme-replica-1')), 'validation_failed');
  t.true(setAfter < 1_000 && removedAfter < 1_000, `seen after ${setAfter} ms and ${removedAfter} ms`);
});

test('when admins change prices on both replicas at once, then every change is in the log once, in one order, and both replicas end with the last one', async (t) => {
  const same = Array.from({ length: 30 }, (_, i) => ({ model: 'acme-race', input: 1_000 * (i + 1) }));
  const distinct = Array.from({ length: 10 }, (_, i) => ({ model: `acme-race-${i}`, input: 7 }));
  const changes = [...same, ...distinct];
  const results = await Promise.all(changes.map((c, i) => setPrice(i % 2 ? s.other.call : s.budget, 'openai', c.model, c.input, 1)));
  t.is(results.length, 40);

  const log = await s.db
    .collection<{ _id: number; model?: string; price: { input_per_million_micros: number } }>('price_changes')
    .find({})
    .toArray();
  t.deepEqual(
    log.map((e) => e._id).sort((a, b) => a - b),
    log.map((_, i) => i + 1),
    'numbered 1, 2, 3, … without a gap',
  );
  // (The log holds prices per call too: entries without a model.)
  const raced = log.filter((e) => e.model?.startsWith('acme-race')).sort((a, b) => a._id - b._id);
  t.deepEqual(
    raced.map((e) => `${e.model}:${e.price.input_per_million_micros}`).sort(),
    changes.map((c) => `${c.model}:${c.input}`).sort(),
    'every change once',
  );

  const lastOfSame = raced.filter((e) => e.model === 'acme-race').at(-1)!;
  const final = (items: Awaited<ReturnType<typeof pricesOf>>, model: string) => items.find((p) => p.model === model);
  for (const client of [s.budget, s.other.call]) {
    // Caught up with the whole log (a replica knows at once only the changes it recorded itself).
    const items = await eventually(
      () => pricesOf(client, 'openai'),
      (all) =>
        final(all, 'acme-race')?.input_per_million_micros === lastOfSame.price.input_per_million_micros &&
        distinct.every((d) => final(all, d.model)),
    );
    t.is(
      final(items, 'acme-race')?.input_per_million_micros,
      lastOfSame.price.input_per_million_micros,
      'the change last in the log wins on both replicas',
    );
    for (const d of distinct) t.like(final(items, d.model), price(7, 1));
  }

  // Each change's audited old price is exactly the one before it in the log's order.
  const events = (await priceEvents('acme-race')).sort((a, b) => Number(a.details.change) - Number(b.details.change));
  t.deepEqual(
    events.map((e) => e.details.change),
    raced.filter((e) => e.model === 'acme-race').map((e) => e._id),
  );
  events.forEach((e, i) => t.deepEqual(e.details.old, i === 0 ? null : events[i - 1].details.new, `change ${String(e.details.change)}`));
});

test('when an admin sets a price per call on one replica, then both list it within a second; removing it is audited with what it was', async (t) => {
  const callPricesOf = async (client: Client) => (await client.ListPrices({ provider: 'acme-calls' }, { principal: viewer })).call_prices;
  const set = await s.other.call.SetCallPrice(
    { provider: 'acme-calls', path: '/images/generations/', per_call_micros: 40_000 },
    patient(admin),
  );
  t.deepEqual(set, { provider: 'acme-calls', path: 'images/generations', per_call_micros: 40_000 }, 'the path without its slashes');
  const from = Date.now();
  const seen = await eventually(
    () => callPricesOf(s.budget),
    (items) => items.length === 1,
    2_000,
    20,
  );
  t.deepEqual(seen, [set]);
  t.true(Date.now() - from < 1_000);
  t.deepEqual(await callPricesOf(s.other.call), [set]);

  const removed = await s.budget.RemoveCallPrice({ provider: 'acme-calls', path: 'images/generations' }, patient(admin));
  t.deepEqual(removed, set);
  t.is(await codeOf(s.budget.RemoveCallPrice({ provider: 'acme-calls', path: 'images/generations' }, patient(admin))), 'not_found');
  t.deepEqual(
    await eventually(
      () => callPricesOf(s.other.call),
      (items) => items.length === 0,
      2_000,
      20,
    ),
    [],
  );

  const events = (await outboxEvents(s.db)).filter((e) => e.action.startsWith('call_price.') && e.details.provider === 'acme-calls');
  t.deepEqual(
    events.map((e) => [e.action, e.resource.id, e.details.old_micros, e.details.new_micros]),
    [
      ['call_price.set', 'acme-calls/images/generations', null, 40_000],
      ['call_price.removed', 'acme-calls/images/generations', 40_000, null],
    ],
  );
});

test('when a price per call is for an endpoint priced by tokens, out of range, or not set by an admin, then it is refused and nothing is recorded', async (t) => {
  const attempt = (path: string, micros: number, principal: Principal = admin) =>
    errorOf(s.budget.SetCallPrice({ provider: 'acme-refused', path, per_call_micros: micros }, patient(principal)));
  t.like(await attempt('chat/completions', 1), {
    code: 'validation_failed',
    details: { path: "is priced by tokens: set its models' prices instead" },
  });
  t.like(await attempt('v1/../x', 1), { code: 'validation_failed' });
  t.like(await attempt('moderations', -1), { code: 'validation_failed' });
  t.like(await attempt('moderations', 1e9 + 1), { code: 'validation_failed' });
  for (const who of [manager, member, viewer]) t.is((await attempt('moderations', 1, who)).code, 'forbidden');
  t.deepEqual((await s.budget.ListPrices({ provider: 'acme-refused' }, { principal: viewer })).call_prices, []);
});
