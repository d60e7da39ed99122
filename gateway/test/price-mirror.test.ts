import test from 'ava';
import {
  AppError,
  createLogger,
  createServiceClient,
  ServiceUnavailableError,
  type Logger,
  type ModelPrice,
  type Principal,
  type ServiceClient,
} from '@tollgate/platform';
import { loadBudget } from '@tollgate/proto';
import type { BudgetDefinition } from '@tollgate/proto/gen/tollgate/budget/v1/Budget';
import { createClients, type Clients } from '../src/clients.js';
import { loadConfig } from '../src/config.js';
import { PriceMirror } from '../src/proxy/price-mirror.js';
import { eventually } from '../../test/support/eventually.js';
import { price } from '../../test/support/prices.js';
import { startStack, type Stack } from '../../test/support/stack.js';

// The gateway's mirror of the price table against the real budget service (its shipped table,
// admins' changes through its real SetPrice/RemovePrice), fetched with the gateway's own clients.
const REFRESH_MS = 250;
const admin: Principal = { type: 'user', id: 'usr_admin', role: 'admin' };
const viewer: Principal = { type: 'user', id: 'usr_viewer', role: 'viewer' };

let stack: Stack;
let budget: ServiceClient<BudgetDefinition>;
const opened: { clients: Clients; mirror: PriceMirror }[] = [];
test.before(async () => {
  stack = await startStack({ services: ['budget'], gateway: false });
  budget = createServiceClient(loadBudget().Budget, stack.addrs.budget, { issuer: 'test', secret: stack.secrets.SERVICE_TOKEN_SECRET });
});
test.after.always(async () => {
  for (const { clients, mirror } of opened) {
    mirror.stop();
    for (const c of Object.values(clients)) c.close();
  }
  budget?.close();
  await stack?.close();
});

/** What the mirror logged, level and message. */
interface Line {
  level: string;
  msg: string;
}
/** A mirror on the gateway's clients, as the gateway's config (with `env` over it) makes them. */
function mirrorOf(env: Record<string, string> = {}, refreshMs = REFRESH_MS): { mirror: PriceMirror; lines: Line[] } {
  const lines: Line[] = [];
  const log: Logger = createLogger('gateway', 'info', { write: (s: string) => void lines.push(JSON.parse(s) as Line) });
  const clients = createClients(loadConfig({ ...stack.env.gateway, ...env }));
  const mirror = new PriceMirror(clients, log, refreshMs);
  opened.push({ clients, mirror });
  return { mirror, lines };
}

const setPrice = (model: string, p: ModelPrice) => budget.call.SetPrice({ provider: 'openai', model, ...p }, { principal: admin });
/** Milliseconds until the mirror prices `model` as `expected` (undefined: not priced); -1 if it never did within `timeoutMs`. */
async function seenAfter(mirror: PriceMirror, model: string, expected: ModelPrice | undefined, timeoutMs = 3_000): Promise<number> {
  const from = Date.now();
  const matches = (p: ModelPrice | undefined) => JSON.stringify(p) === JSON.stringify(expected);
  const last = await eventually(async () => mirror.find('openai', model), matches, timeoutMs, 5);
  return matches(last) ? Date.now() - from : -1;
}
const levels = (lines: Line[], level: string) => lines.filter((l) => l.level === level).map((l) => l.msg);

test.serial(
  'when the mirror starts, then it loads the whole table as the gateway and prices each model as the budget service does, dated snapshots too',
  async (t) => {
    const { mirror, lines } = mirrorOf();
    mirror.start();
    await mirror.ready(5_000);

    const listed = (await budget.call.ListPrices({ provider: '' }, { principal: viewer })).items;
    t.true(listed.length > 20);
    for (const e of listed)
      t.deepEqual(
        mirror.find(e.provider, e.model),
        price(e.input_per_million_micros, e.output_per_million_micros),
        `${e.provider}/${e.model}`,
      );

    t.deepEqual(mirror.find('openai', 'gpt-4o'), price(2_500_000, 10_000_000));
    t.deepEqual(mirror.find('openai', 'gpt-4o-2024-08-06'), mirror.find('openai', 'gpt-4o'), 'a dated snapshot');
    t.deepEqual(mirror.find('openai', 'gpt-4o-latest'), mirror.find('openai', 'gpt-4o'), 'the -latest alias');
    t.deepEqual(mirror.find('anthropic', 'claude-3-5-haiku-20241022'), mirror.find('anthropic', 'claude-3-5-haiku'), 'a YYYYMMDD snapshot');
    t.deepEqual(mirror.find('openai', 'gpt-4o-mini-2024-07-18'), mirror.find('openai', 'gpt-4o-mini'), 'gpt-4o-mini, not gpt-4o');
    t.is(mirror.find('openai', 'o3-pro'), undefined, 'never a plain prefix');
    t.is(mirror.find('openai', 'davinci'), undefined, 'an unknown model');
    t.is(mirror.find('acme', 'gpt-4o'), undefined, 'an unknown provider');
    t.deepEqual(levels(lines, 'warn'), []);
  },
);

test.serial(
  'when an admin sets or removes a price, then the mirror prices with the change within REFRESH_MS (plus one fetch)',
  async (t) => {
    const { mirror } = mirrorOf();
    mirror.start();
    await mirror.ready(5_000);
    t.is(mirror.find('openai', 'acme-mirror-1'), undefined);

    await setPrice('acme-mirror-1', price(3_000_000, 4_000_000));
    const setAfter = await seenAfter(mirror, 'acme-mirror-1', price(3_000_000, 4_000_000));
    t.deepEqual(mirror.find('openai', 'acme-mirror-1-2025-01-31'), price(3_000_000, 4_000_000), 'its dated snapshots with it');
    t.is(mirror.find('openai', 'acme-mirror-1-pro'), undefined);

    await setPrice('acme-mirror-1', price(5_000_000, 6_000_000));
    const changedAfter = await seenAfter(mirror, 'acme-mirror-1', price(5_000_000, 6_000_000));
    await budget.call.RemovePrice({ provider: 'openai', model: 'acme-mirror-1' }, { principal: admin });
    const removedAfter = await seenAfter(mirror, 'acme-mirror-1', undefined);
    t.is(mirror.find('openai', 'acme-mirror-1-latest'), undefined);

    t.log(`seen after ${setAfter} / ${changedAfter} / ${removedAfter} ms (set / changed / removed)`);
    for (const [what, ms] of [
      ['set', setAfter],
      ['changed', changedAfter],
      ['removed', removedAfter],
    ] as const) {
      t.true(ms >= 0 && ms <= REFRESH_MS + 500, `${what} seen after ${ms} ms`);
    }
  },
);

test.serial(
  'when no table was ever loaded, then find() is ServiceUnavailable, ready() rejects on a timeout or stop(), and the outage is warned of once',
  async (t) => {
    const idle = mirrorOf().mirror;
    t.throws(() => idle.find('openai', 'gpt-4o'), { instanceOf: ServiceUnavailableError }, 'not started');
    idle.stop();
    await t.throwsAsync(idle.ready(), { instanceOf: ServiceUnavailableError }, 'stopped before a table came');

    // Nothing listens on port 1: every fetch fails fast.
    const { mirror, lines } = mirrorOf({ BUDGET_ADDR: '127.0.0.1:1', GRPC_DEADLINE_MS: '200' }, 50);
    mirror.start();
    await t.throwsAsync(mirror.ready(1_000), { instanceOf: ServiceUnavailableError });
    const err = t.throws(() => mirror.find('openai', 'gpt-4o'), { instanceOf: AppError });
    t.like(err, { code: 'service_unavailable', httpStatus: 503 });
    t.deepEqual(
      levels(lines, 'warn'),
      ['price table not fetched; calls that need a price are 503 until it is'],
      'several fetches failed, one warning',
    );
  },
);

test.serial(
  'when the budget service goes away, then the last table stays in use (one warning), and changes are followed again once it is back',
  async (t) => {
    const { mirror, lines } = mirrorOf();
    mirror.start();
    await mirror.ready(5_000);
    await setPrice('acme-mirror-2', price(7_000_000, 8_000_000));
    t.true((await seenAfter(mirror, 'acme-mirror-2', price(7_000_000, 8_000_000))) >= 0);

    await stack.stop('budget');
    // Several fetches fail (each after its retries), and the table they would have replaced stays.
    await eventually(
      async () => levels(lines, 'warn').length,
      (n) => n > 0,
      5_000,
      20,
    );
    await new Promise((r) => setTimeout(r, 2_500));
    t.deepEqual(mirror.find('openai', 'acme-mirror-2'), price(7_000_000, 8_000_000));
    t.deepEqual(mirror.find('openai', 'gpt-4o-2024-08-06'), price(2_500_000, 10_000_000));
    t.deepEqual(
      levels(lines, 'warn'),
      ['price table not fetched; pricing with the last one until it is'],
      'one warning for the whole outage',
    );

    await stack.start('budget');
    // Our own client reconnects first (a change is not retried while its channel waits out its reconnect backoff).
    const reconnected = () =>
      budget.call.ListPrices({ provider: '' }, { principal: viewer }).then(
        () => true,
        () => false,
      );
    t.true(await eventually(reconnected, (ok) => ok, 10_000, 100));
    await setPrice('acme-mirror-2', price(9_000_000, 10_000_000));
    t.true((await seenAfter(mirror, 'acme-mirror-2', price(9_000_000, 10_000_000), 10_000)) >= 0, 'followed again');
    t.deepEqual(levels(lines, 'info'), ['price table fetched again']);
    t.is(levels(lines, 'warn').length, 1);
  },
);
