import http from 'node:http';
import type { AddressInfo } from 'node:net';
import test from 'ava';
import { eventually } from '../../../test/support/eventually.js';
import { people, startMoneyStack, type People } from '../../../test/support/factories.js';
import type { Stack } from '../../../test/support/stack.js';
import { cli, cliOnTerminal, gatewayEnv, json, workspace, type CliResult, type Workspace } from './cli.js';

// `tollgate webhook` against the real stack: admins register endpoints, change, disable and
// delete them; the audit service delivers real events (a provider key rotated) to a receiver
// on loopback, so the delivery log, dead letters and redelivery are the real ones. The audit
// service polls fast and gives up on a failing event after RETRY_FOR_MS, not a day.
const RETRY_FOR_MS = 1_500;
let stack: Stack;
let p: People;
let admin: Workspace;
let manager: Workspace;
let member: Workspace;
test.before(async () => {
  stack = await startMoneyStack({
    gateway: gatewayEnv,
    audit: { WEBHOOK_POLL_MS: '100', WEBHOOK_BACKOFF_MS: '100', WEBHOOK_RETRY_FOR_MS: String(RETRY_FOR_MS) },
  });
  p = await people(stack);
  admin = workspace(stack, { TOLLGATE_TOKEN: p.admin.access_token });
  manager = workspace(stack, { TOLLGATE_TOKEN: p.manager.access_token });
  member = workspace(stack, { TOLLGATE_TOKEN: p.member.access_token });
});
test.after.always(async () => {
  for (const ws of [admin, manager, member]) ws?.cleanup();
  await stack?.close();
});

const unique = (label: string) => `${label}-${Math.random().toString(36).slice(2, 8)}`;
const SECRET = /whsec_[A-Za-z0-9_-]{43}/;
/** Nothing listens on port 1: a command that sent anything would exit 7, not 2. */
const unreachable = () => ({ ...admin.env, TOLLGATE_URL: 'https://127.0.0.1:1' });

/** What these tests read of an endpoint as --json shows it. */
interface Webhook {
  id: string;
  url: string;
  events: string[];
  description: string;
  delivery: Record<string, unknown>;
}

/** An endpoint without where its deliveries are: its cursor follows the audit log as the log grows. */
const settled = ({ delivery: _delivery, ...w }: Webhook) => w;

/**
 * An endpoint registered through the CLI by the admin, as --json shows it. By default it is sent
 * an event nothing in this file causes, so its https URL (which does not exist) is never sent to.
 */
async function createWebhook(
  events = 'budget.request.rejected',
  url = `https://hooks.example.com/${unique('h')}`,
  ...args: string[]
): Promise<{ webhook: Webhook; secret: string }> {
  const r = await cli(['webhook', 'create', '--url', url, '--events', events, ...args, '--json'], { env: admin.env });
  if (r.code !== 0) throw new Error(`webhook create failed (exit ${r.code}): ${r.stderr}`);
  return json(r);
}

/** Fails when an endpoint's signing secret shows anywhere in what the CLI printed. */
const noSecret = (r: CliResult) => !SECRET.test(`${r.stdout}\n${r.stderr}`);

/** A receiver on loopback: records each event it is sent, and answers `status()`. */
async function receiver(status: () => number = () => 204) {
  const events: { id: string; type: string; data: { resource: { id: string } } }[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const code = status();
      if (code < 300) events.push(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      res.writeHead(code).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`;
  return { url, events, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/** Stores a provider key and rotates it (as the admin, through the API): a provider_key.rotated event. */
async function rotateKey(): Promise<string> {
  const token = p.admin.access_token;
  const name = unique('hooked');
  const key = await stack.http.post('/v1/provider-keys', {
    token,
    json: { provider: 'openai', name, api_key: 'sk-live-cli-hooks-0123456789ab' },
  });
  if (key.status !== 201) throw new Error(`storing a key: ${key.status} ${key.text}`);
  const res = await stack.http.post(`/v1/provider-keys/${key.body.id}/rotate`, {
    token,
    json: { api_key: 'sk-live-cli-hooks-ba9876543210' },
  });
  if (res.status !== 200) throw new Error(`rotating a key: ${res.status} ${res.text}`);
  return key.body.id as string;
}

/** The endpoint's delivery log (or dead letters) as `webhook deliveries --json` shows it. */
async function deliveriesOf(id: string, ...args: string[]) {
  const r = await cli(['webhook', 'deliveries', id, '--all', ...args, '--json'], { env: admin.env });
  if (r.code !== 0) throw new Error(`webhook deliveries failed (exit ${r.code}): ${r.stderr}`);
  return json(r).items as { event_id: string; event_type: string; status: string; http_status: number | null; redelivery: boolean }[];
}

test('when an admin registers an endpoint, then create shows its secret once, and list and get never do, as tables and as JSON', async (t) => {
  const url = `https://hooks.example.com/${unique('ops')}`;
  const r = await cli(
    ['webhook', 'create', '--url', url, '--events', 'budget.threshold,budget.exhausted', '--description', 'ops channel', '--json'],
    { env: admin.env },
  );
  t.is(r.code, 0, r.stderr);
  const created = json(r);
  t.deepEqual(Object.keys(created).sort(), ['secret', 'webhook']);
  t.regex(created.secret, new RegExp(`^${SECRET.source}$`));
  t.regex(created.webhook.id, /^whk_/);
  t.like(created.webhook, {
    url,
    events: ['budget.threshold', 'budget.exhausted'],
    enabled: true,
    description: 'ops channel',
    delivery: { retrying_event_id: null, dead_letters: 0 },
  });
  const id = created.webhook.id as string;

  const human = await cli(
    ['webhook', 'create', '--url', `${url}-2`, '--events', 'token.expiring', '--events', 'budget.threshold', '--disabled'],
    {
      env: admin.env,
    },
  );
  t.is(human.code, 0, human.stderr);
  t.regex(human.stdout, /^ID\s+whk_\w+$/m);
  t.regex(human.stdout, /^Events\s+token\.expiring, budget\.threshold$/m);
  t.regex(human.stdout, /^Enabled\s+no$/m);
  t.regex(human.stdout, /^Signing secret \(shown only once — store it where the receiver can read it, it cannot be retrieved later\):$/m);
  t.regex(human.stdout, new RegExp(`^${SECRET.source}$`, 'm'), 'the secret on a line of its own');
  const otherSecret = SECRET.exec(human.stdout)![0];

  const listed = await cli(['webhook', 'list', '--all', '--json'], { env: admin.env });
  t.is(listed.code, 0, listed.stderr);
  t.is(json(listed).next_cursor, null);
  t.deepEqual(settled(json(listed).items.find((w: Webhook) => w.id === id)), settled(created.webhook));
  t.true(noSecret(listed), 'list never shows a secret');
  const table = await cli(['webhook', 'list', '--all'], { env: admin.env });
  t.is(table.code, 0, table.stderr);
  t.regex(table.stdout, /^ID\s+ENABLED\s+RETRYING\s+DEAD LETTERS\s+EVENTS\s+URL$/m);
  t.regex(table.stdout, new RegExp(`^${id}\\s+yes\\s+no\\s+0\\s+budget\\.threshold,budget\\.exhausted\\s+${url}$`, 'm'));
  t.regex(table.stdout, new RegExp(`^whk_\\w+\\s+no\\s+no\\s+0\\s+token\\.expiring,budget\\.threshold\\s+${url}-2$`, 'm'));
  t.true(noSecret(table));

  const got = await cli(['webhook', 'get', id, '--json'], { env: admin.env });
  t.is(got.code, 0, got.stderr);
  t.deepEqual(settled(json(got)), settled(created.webhook));
  t.like(json(got).delivery, { retrying_event_id: null, dead_letters: 0 });
  t.true(noSecret(got), 'get never shows the secret');
  const summary = await cli(['webhook', 'get', id], { env: admin.env });
  t.is(summary.code, 0, summary.stderr);
  t.regex(summary.stdout, new RegExp(`^URL\\s+${url}$`, 'm'));
  t.regex(summary.stdout, /^Events\s+budget\.threshold, budget\.exhausted$/m);
  t.regex(summary.stdout, /^Description\s+ops channel$/m);
  t.regex(summary.stdout, /^Retrying\s+nothing$/m);
  t.regex(summary.stdout, /^Dead letters\s+0$/m);
  t.true(noSecret(summary));
  for (const r of [listed, table, got, summary]) t.false(`${r.stdout}${r.stderr}`.includes(otherSecret));

  const page = await cli(['webhook', 'list', '--limit', '1', '--json'], { env: admin.env });
  t.is(json(page).items.length, 1);
  t.truthy(json(page).next_cursor);
  const more = await cli(['webhook', 'list', '--limit', '1'], { env: admin.env });
  t.regex(more.stderr, /More webhook endpoints: run again with --cursor \S+, or use --all\./);
  t.is((await cli(['webhook', 'list', '--limit', '0'], { env: admin.env })).code, 2);

  const secretAsId = await cli(['webhook', 'get', created.secret], { env: unreachable() });
  t.is(secretAsId.code, 2, 'a secret in place of the id is not sent');
  t.regex(secretAsId.stderr, /signing secret — give its id/);
  t.false(secretAsId.stderr.includes(created.secret));
});

test('when events are unknown or missing, then the CLI refuses (exit 2) before any request, and nothing is stored', async (t) => {
  const description = unique('refused');
  const url = 'https://hooks.example.com/refused';
  for (const events of ['budget.threshold,user.created', 'Budget.Threshold', '']) {
    const r = await cli(['webhook', 'create', '--url', url, '--events', events, '--description', description], { env: unreachable() });
    t.is(r.code, 2, `${events}: ${r.stderr}`);
    t.regex(
      r.stderr,
      events ? /unknown event .* — the events are budget\.threshold, .*provider_key\.rotated/ : /--events needs at least one/,
    );
  }
  const asJson = await cli(['webhook', 'create', '--url', url, '--events', 'user.created', '--json'], { env: unreachable() });
  t.is(asJson.code, 2);
  t.like(JSON.parse(asJson.stderr), { error: { code: 'usage_error', exit_code: 2 } });
  t.is((await cli(['webhook', 'create', '--url', url], { env: admin.env })).code, 2, '--events is required');
  t.is((await cli(['webhook', 'create', '--events', 'budget.threshold'], { env: admin.env })).code, 2, '--url is required');
  const stored = json(await cli(['webhook', 'list', '--all', '--json'], { env: admin.env })).items as Webhook[];
  t.false(
    stored.some((w) => w.description === description),
    'nothing was stored',
  );

  const { webhook } = await createWebhook();
  const update = await cli(['webhook', 'update', webhook.id, '--events', 'budget.threshold,agent.created'], { env: unreachable() });
  t.is(update.code, 2);
  t.regex(update.stderr, /unknown event agent\.created/);
  t.deepEqual(json(await cli(['webhook', 'get', webhook.id, '--json'], { env: admin.env })).events, webhook.events, 'unchanged');

  const badUrl = await cli(['webhook', 'create', '--url', 'ftp://hooks.example.com/x', '--events', 'budget.threshold'], {
    env: admin.env,
  });
  t.is(badUrl.code, 6, 'the gateway names the field it refuses');
  t.regex(badUrl.stderr, /url/);
});

test('when an admin updates, disables and enables an endpoint, then its fields change as shown', async (t) => {
  const { webhook } = await createWebhook(undefined, undefined, '--description', 'before');
  const url = `https://hooks.example.com/${unique('moved')}`;

  const updated = await cli(
    ['webhook', 'update', webhook.id, '--url', url, '--events', 'budget.request.created,budget.request.approved', '--json'],
    { env: admin.env },
  );
  t.is(updated.code, 0, updated.stderr);
  t.like(json(updated), {
    id: webhook.id,
    url,
    events: ['budget.request.created', 'budget.request.approved'],
    description: 'before',
    enabled: true,
  });
  const cleared = await cli(['webhook', 'update', webhook.id, '--description', ''], { env: admin.env });
  t.is(cleared.code, 0, cleared.stderr);
  t.regex(cleared.stdout, /^Description\s+—$/m);
  t.regex(cleared.stdout, new RegExp(`^URL\\s+${url}$`, 'm'));
  t.true(noSecret(cleared));

  const disabled = await cli(['webhook', 'disable', webhook.id], { env: admin.env });
  t.is(disabled.code, 0, disabled.stderr);
  t.regex(disabled.stdout, new RegExp(`^Webhook endpoint ${webhook.id} disabled: it is sent nothing until it is enabled again\\.$`, 'm'));
  t.regex(disabled.stdout, /^Enabled\s+no$/m);
  t.false(json(await cli(['webhook', 'get', webhook.id, '--json'], { env: admin.env })).enabled);
  const enabled = await cli(['webhook', 'enable', webhook.id, '--json'], { env: admin.env });
  t.is(enabled.code, 0, enabled.stderr);
  t.like(json(enabled), { id: webhook.id, enabled: true, url, description: '' });

  const nothing = await cli(['webhook', 'update', webhook.id], { env: admin.env });
  t.is(nothing.code, 2);
  t.regex(nothing.stderr, /nothing to update — give --url, --events and\/or --description/);
  const missing = 'whk_000000000aaaaaaaaaaaaaaaa';
  for (const args of [
    ['get', missing],
    ['update', missing, '--description', 'x'],
    ['enable', missing],
    ['disable', missing],
  ]) {
    const r = await cli(['webhook', ...args], { env: admin.env });
    t.is(r.code, 5, `${args.join(' ')}: ${r.stderr}`);
    t.regex(r.stderr, /not found/);
  }
});

test('when someone other than an admin manages endpoints, then exit 4 and nothing changes', async (t) => {
  const { webhook } = await createWebhook();
  for (const ws of [manager, member]) {
    for (const args of [
      ['list'],
      ['get', webhook.id],
      ['create', '--url', 'https://hooks.example.com/x', '--events', 'budget.threshold'],
      ['update', webhook.id, '--description', 'mine'],
      ['disable', webhook.id],
      ['delete', webhook.id, '--yes'],
      ['deliveries', webhook.id],
      ['redeliver', webhook.id, 'some-event'],
    ]) {
      const r = await cli(['webhook', ...args], { env: ws.env });
      t.is(r.code, 4, `${args.join(' ')}: ${r.stderr}`);
      t.regex(r.stderr, /forbidden/);
    }
  }
  const forbidden = await cli(['webhook', 'list', '--json'], { env: member.env });
  t.like(JSON.parse(forbidden.stderr), { error: { exit_code: 4 } });
  t.like(json(await cli(['webhook', 'get', webhook.id, '--json'], { env: admin.env })), { enabled: true, description: '' });
});

test('when delete runs without a terminal and without --yes, then it refuses (exit 2); at a terminal it asks; --yes deletes', async (t) => {
  const { webhook } = await createWebhook();

  const refused = await cli(['webhook', 'delete', webhook.id], { env: admin.env, stdin: 'y\n' });
  t.is(refused.code, 2);
  t.regex(refused.stderr, /refusing to delete webhook endpoint .* pass --yes/);
  t.is((await cli(['webhook', 'get', webhook.id], { env: admin.env })).code, 0, 'nothing was deleted');

  const no = await cliOnTerminal(['webhook', 'delete', webhook.id], {
    env: admin.env,
    steps: [{ waitFor: /Are you sure\? \(y\/N\)/, send: 'n\r' }],
  });
  t.is(no.code, 0, no.output);
  t.regex(
    no.output,
    new RegExp(`Webhook endpoint ${webhook.url} \\(${webhook.id}, budget\\.request\\.rejected\\) will be deleted with its delivery log`),
    'the prompt says what goes',
  );
  t.regex(no.output, /Not deleted/);
  t.is((await cli(['webhook', 'get', webhook.id], { env: admin.env })).code, 0);

  const yes = await cliOnTerminal(['webhook', 'delete', webhook.id], {
    env: admin.env,
    steps: [{ waitFor: /Are you sure\? \(y\/N\)/, send: 'y\r' }],
  });
  t.is(yes.code, 0, yes.output);
  t.regex(yes.output, new RegExp(`Webhook endpoint ${webhook.id} deleted\\.`));
  const gone = await cli(['webhook', 'get', webhook.id], { env: admin.env });
  t.is(gone.code, 5);
  t.regex(gone.stderr, /not found/);

  const other = (await createWebhook()).webhook;
  const deleted = await cli(['webhook', 'delete', other.id, '--yes', '--json'], { env: admin.env });
  t.is(deleted.code, 0, deleted.stderr);
  t.deepEqual(json(deleted), { id: other.id, deleted: true });
  t.is((await cli(['webhook', 'delete', other.id, '--yes'], { env: admin.env })).code, 5, 'deleting twice: not found');
});

// Serial: only these two cause events (provider keys rotated), which every endpoint for them is sent.
test.serial(
  'when a provider key is rotated, then deliveries lists the delivered attempt, and redeliver sends it again and shows the attempt',
  async (t) => {
    const r = await receiver();
    t.teardown(r.close);
    const { webhook } = await createWebhook('provider_key.rotated', r.url);
    t.is(json(await cli(['webhook', 'deliveries', webhook.id, '--json'], { env: admin.env })).items.length, 0);
    t.regex((await cli(['webhook', 'deliveries', webhook.id], { env: admin.env })).stdout, /^No deliveries\.$/m);

    const keyId = await rotateKey();
    const received = await eventually(
      async () => r.events.find((e) => e.data.resource.id === keyId),
      (e) => e !== undefined,
      20_000,
    );
    t.truthy(received, 'the receiver was sent the event');
    const eventId = received!.id;
    const log = await eventually(
      () => deliveriesOf(webhook.id),
      (items) => items.some((d) => d.event_id === eventId),
    );
    t.like(
      log.find((d) => d.event_id === eventId),
      { event_type: 'provider_key.rotated', status: 'delivered', http_status: 204, redelivery: false },
    );
    const table = await cli(['webhook', 'deliveries', webhook.id, '--all'], { env: admin.env });
    t.is(table.code, 0, table.stderr);
    t.regex(table.stdout, /^AT\s+STATUS\s+HTTP\s+ATTEMPT\s+LATENCY\s+EVENT TYPE\s+EVENT ID\s+ERROR$/m);
    t.regex(
      table.stdout,
      new RegExp(
        `^\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d UTC\\s+delivered\\s+204\\s+1\\s+\\d+ ms\\s+provider_key\\.rotated\\s+${eventId}\\s+—$`,
        'm',
      ),
    );
    t.regex((await cli(['webhook', 'deliveries', webhook.id, '--dead'], { env: admin.env })).stdout, /^No dead letters\.$/m);

    const again = await cli(['webhook', 'redeliver', webhook.id, eventId, '--json'], { env: admin.env });
    t.is(again.code, 0, again.stderr);
    t.like(json(again), {
      webhook_id: webhook.id,
      event_id: eventId,
      event_type: 'provider_key.rotated',
      status: 'delivered',
      http_status: 204,
      error: null,
      redelivery: true,
    });
    t.is(r.events.filter((e) => e.id === eventId).length, 2, 'the receiver got it again');
    const human = await cli(['webhook', 'redeliver', webhook.id, eventId], { env: admin.env });
    t.is(human.code, 0, human.stderr);
    t.regex(human.stdout, new RegExp(`^Event ${eventId} redelivered to ${webhook.id}\\.$`, 'm'));
    t.regex(human.stdout, /^Status\s+delivered$/m);
    t.regex(human.stdout, /^HTTP status\s+204$/m);
    t.regex(human.stdout, /^Redelivery\s+yes$/m);
    const newest = (await deliveriesOf(webhook.id))[0];
    t.like(newest, { event_id: eventId, status: 'delivered', redelivery: true });
    t.regex(
      (await cli(['webhook', 'deliveries', webhook.id, '--limit', '1'], { env: admin.env })).stdout,
      new RegExp(`\\s1 \\(redelivery\\)\\s+\\d+ ms\\s+provider_key\\.rotated\\s+${eventId}\\s`),
    );

    const unknown = await cli(['webhook', 'redeliver', webhook.id, 'no-such-event'], { env: admin.env });
    t.is(unknown.code, 5, unknown.stderr);
    t.is((await cli(['webhook', 'deliveries', 'whk_000000000aaaaaaaaaaaaaaaa'], { env: admin.env })).code, 5);
  },
);

test.serial(
  'when the receiver keeps failing, then deliveries --dead lists the dead letter, and a redelivery once it is back clears it',
  async (t) => {
    let status = 500;
    const r = await receiver(() => status);
    t.teardown(r.close);
    const { webhook } = await createWebhook('provider_key.rotated', r.url);

    await rotateKey();
    const dead = await eventually(
      () => deliveriesOf(webhook.id, '--dead'),
      (items) => items.length > 0,
      RETRY_FOR_MS + 20_000,
      250,
    );
    t.like(dead[0], { event_type: 'provider_key.rotated', status: 'dead' });
    const deadEvent = dead[0].event_id;
    const attempts = await deliveriesOf(webhook.id);
    t.like(
      attempts.find((d) => d.event_id === deadEvent),
      { status: 'dead', http_status: 500 },
      'the newest attempt for it gave up',
    );
    t.true(attempts.filter((d) => d.event_id === deadEvent).length >= 2, 'it was retried first');
    const letters = await cli(['webhook', 'deliveries', webhook.id, '--dead'], { env: admin.env });
    t.is(letters.code, 0, letters.stderr);
    t.regex(letters.stdout, new RegExp(`\\sdead\\s+—\\s+\\d+\\s+0 ms\\s+provider_key\\.rotated\\s+${deadEvent}\\s+—$`, 'm'));
    const summary = await cli(['webhook', 'get', webhook.id], { env: admin.env });
    t.regex(summary.stdout, /^Dead letters\s+[1-9]\d*$/m);

    const stillFailing = await cli(['webhook', 'redeliver', webhook.id, deadEvent], { env: admin.env });
    t.is(stillFailing.code, 7, 'the attempt was made and shown, and a script sees that it failed');
    t.regex(stillFailing.stderr, new RegExp(`the endpoint did not take event ${deadEvent}: answered 500`));
    t.regex(
      stillFailing.stdout,
      new RegExp(`^Event ${deadEvent} was sent to ${webhook.id} again, but not delivered: answered 500\\.$`, 'm'),
    );
    t.regex(stillFailing.stdout, /^Status\s+failed$/m);
    t.true(
      (await deliveriesOf(webhook.id, '--dead')).some((d) => d.event_id === deadEvent),
      'still a dead letter',
    );

    status = 204;
    const redelivered = await cli(['webhook', 'redeliver', webhook.id, deadEvent, '--json'], { env: admin.env });
    t.is(redelivered.code, 0, redelivered.stderr);
    t.like(json(redelivered), { event_id: deadEvent, status: 'delivered', http_status: 204, redelivery: true });
    t.true(r.events.some((e) => e.id === deadEvent));
    t.false(
      (await deliveriesOf(webhook.id, '--dead')).some((d) => d.event_id === deadEvent),
      'no longer a dead letter',
    );
  },
);
