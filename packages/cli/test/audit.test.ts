import test from 'ava';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import mongoose from 'mongoose';
import { newUser } from '../../../test/support/factories.js';
import { parseCsv } from '../../../test/support/csv.js';
import { testEnv } from '../../../test/support/env.js';
import { auditEvents } from '../../../test/support/identity-edge.js';
import { createUserAndLogin, loginAsAdmin, type Session } from '../../../test/support/session.js';
import { startStack, type Stack } from '../../../test/support/stack.js';
import { cli, gatewayEnv, json, loginAdmin, startCli, workspace, type Workspace } from './cli.js';

// `tollgate audit` against the real stack: identity and the token service emit real events
// through their outboxes. Serial: the last test tampers with the stored log.
let stack: Stack;
let adminSession: Session;
let memberSession: Session;
let admin: Workspace;
let member: Workspace;
test.before(async () => {
  stack = await startStack({
    services: ['audit', 'identity', 'token'],
    env: { gateway: gatewayEnv, identity: { ARGON2_MEMORY_KIB: '1024' } },
  });
  adminSession = await loginAsAdmin(stack);
  memberSession = await createUserAndLogin(stack, adminSession, 'member');
  admin = workspace(stack);
  await loginAdmin(stack, admin);
  member = workspace(stack, { TOLLGATE_TOKEN: memberSession.access_token });
});
test.after.always(async () => {
  admin?.cleanup();
  member?.cleanup();
  await stack?.close();
});

interface Event {
  id: string;
  seq: number;
  at: string;
  actor: { type: string; id: string | null };
  action: string;
  resource: { type: string; id: string | null };
  outcome: string;
  details: Record<string, unknown>;
}

/** A new user, once the audit log holds its user.created event (delivered through identity's outbox). */
async function createdUser(): Promise<{ id: string; email: string; event: Event }> {
  const user = await newUser(stack, adminSession, { role: 'viewer' });
  const events = await auditEvents(stack, adminSession.access_token, 'user.created', (e) => e.some((x) => x.resource.id === user.id));
  const event = events.find((e) => e.resource.id === user.id);
  if (!event) throw new Error(`no user.created event for ${user.id}`);
  // The listing's items are whole events (seq and at included), whatever the helper's type names.
  return { id: user.id, email: user.email, event: event as unknown as Event };
}

function scratchDir(t: { teardown(fn: () => void): void }): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tollgate-audit-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

const ndjson = (text: string) =>
  text
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Event);

test.serial(
  'when an admin lists events with filters, then only matching ones come back, as a table and as JSON; get shows one',
  async (t) => {
    const user = await createdUser();

    const byResource = await cli(
      ['audit', 'list', '--action', 'user.created', '--resource-type', 'user', '--resource-id', user.id, '--json'],
      {
        env: admin.env,
      },
    );
    t.is(byResource.code, 0, byResource.stderr);
    const { items } = json<{ items: Event[]; next_cursor: string | null }>(byResource);
    t.is(items.length, 1);
    t.like(items[0], {
      id: user.event.id,
      action: 'user.created',
      outcome: 'success',
      actor: { type: 'user', id: adminSession.user.id },
      resource: { type: 'user', id: user.id },
      details: { email: user.email, role: 'viewer' },
    });

    const byActor = json(
      await cli(['audit', 'list', '--actor', adminSession.user.id, '--action', 'user.created', '--all', '--json'], { env: admin.env }),
    );
    t.is(byActor.next_cursor, null);
    t.true(byActor.items.some((e: Event) => e.id === user.event.id));
    t.true(byActor.items.every((e: Event) => e.actor.id === adminSession.user.id && e.action === 'user.created'));
    const seqs = byActor.items.map((e: Event) => e.seq);
    t.deepEqual(
      seqs,
      [...seqs].sort((a: number, b: number) => b - a),
      'newest first',
    );

    // A member's refused call is audited as denied.
    t.is((await cli(['user', 'list'], { env: member.env })).code, 4);
    await auditEvents(stack, adminSession.access_token, 'authz.denied', (e) => e.some((x) => x.actor.id === memberSession.user.id));
    const denied = json(
      await cli(['audit', 'list', '--outcome', 'denied', '--actor', memberSession.user.id, '--json'], { env: admin.env }),
    );
    t.true(denied.items.length >= 1);
    t.true(denied.items.every((e: Event) => e.outcome === 'denied' && e.actor.id === memberSession.user.id));
    t.is(
      json(
        await cli(['audit', 'list', '--outcome', 'failure', '--actor', adminSession.user.id, '--action', 'user.created', '--json'], {
          env: admin.env,
        }),
      ).items.length,
      0,
    );

    const window = await cli(['audit', 'list', '--resource-id', user.id, '--from', user.event.at, '--to', '2999-01-01', '--json'], {
      env: admin.env,
    });
    t.is(window.code, 0, window.stderr);
    t.true(json(window).items.some((e: Event) => e.id === user.event.id));
    const future = json(await cli(['audit', 'list', '--from', '2999-01-01T00:00:00Z', '--json'], { env: admin.env }));
    t.deepEqual(future.items, []);
    const recent = json(await cli(['audit', 'list', '--resource-id', user.id, '--from', '1h', '--json'], { env: admin.env }));
    t.true(
      recent.items.some((e: Event) => e.id === user.event.id),
      'a span ago is a time',
    );

    const table = await cli(['audit', 'list', '--resource-id', user.id], { env: admin.env });
    t.is(table.code, 0, table.stderr);
    t.regex(table.stdout, /^SEQ\s+AT\s+ACTION\s+OUTCOME\s+ACTOR\s+RESOURCE\s+ID\s+DETAILS$/m);
    t.regex(
      table.stdout,
      new RegExp(
        `^${user.event.seq}\\s+\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d UTC\\s+user\\.created\\s+success\\s+user:${adminSession.user.id}\\s+user:${user.id}\\s+${user.event.id}\\s+\\{"email"`,
        'm',
      ),
    );
    const paged = await cli(['audit', 'list', '--limit', '1'], { env: admin.env });
    t.is(paged.code, 0, paged.stderr);
    t.regex(paged.stderr, /More events may match: run again with --cursor \S+, or use --all\./);

    const got = await cli(['audit', 'get', user.event.id, '--json'], { env: admin.env });
    t.is(got.code, 0, got.stderr);
    t.deepEqual(json(got), items[0]);
    const shown = await cli(['audit', 'get', user.event.id], { env: admin.env });
    t.regex(shown.stdout, /^Action\s+user\.created$/m);
    t.regex(shown.stdout, new RegExp(`^Resource\\s+user:${user.id}$`, 'm'));
    t.regex(shown.stdout, /^Hash\s+[0-9a-f]{64}$/m);
    t.is((await cli(['audit', 'get', 'no-such-event'], { env: admin.env })).code, 5);

    for (const args of [
      ['--from', 'yesterday'],
      ['--to', '2025-02-30'],
      ['--outcome', 'maybe'],
      ['--limit', '0'],
      ['--all', '--cursor', 'abc'],
    ]) {
      const refused = await cli(['audit', 'list', ...args], { env: admin.env });
      t.is(refused.code, 2, `${args.join(' ')}: ${refused.stderr}`);
    }
  },
);

test.serial('when a member reads the audit log, then every audit command exits 4', async (t) => {
  for (const args of [['list'], ['get', 'some-id'], ['verify'], ['export'], ['tail'], ['list', '--json']]) {
    const r = await cli(['audit', ...args], { env: member.env });
    t.is(r.code, 4, `${args.join(' ')}: ${r.stderr}`);
    t.is(r.stdout, '');
  }
});

test.serial('when the chain is intact, then verify prints ok and exits 0', async (t) => {
  const human = await cli(['audit', 'verify'], { env: admin.env });
  t.is(human.code, 0, human.stderr);
  t.regex(human.stdout, /^ok: the hash chain holds \(\d+ events checked\)\.$/m);
  const r = await cli(['audit', 'verify', '--json'], { env: admin.env });
  t.is(r.code, 0, r.stderr);
  t.like(json(r), { ok: true, first_bad_id: null });
  t.true(json(r).checked > 0);
  t.deepEqual(json(await cli(['audit', 'verify', '--from', '2999-01-01', '--json'], { env: admin.env })), {
    ok: true,
    checked: 0,
    first_bad_id: null,
  });
});

test.serial('when events are exported, then NDJSON lines parse oldest first, CSV has its header, to stdout or a new file', async (t) => {
  const user = await createdUser();
  const dir = scratchDir(t);

  const file = path.join(dir, 'audit.ndjson');
  const r = await cli(['audit', 'export', '--output', file, '--json'], { env: admin.env });
  t.is(r.code, 0, r.stderr);
  const text = readFileSync(file, 'utf8');
  t.deepEqual(json(r), { output: file, format: 'ndjson', bytes: Buffer.byteLength(text) });
  const events = ndjson(text);
  t.true(events.length >= 3);
  t.true(events.some((e) => e.id === user.event.id));
  t.deepEqual(
    events.map((e) => e.seq),
    events.map((e) => e.seq).sort((a, b) => a - b),
    'oldest first',
  );
  t.deepEqual(readdirSync(dir), ['audit.ndjson'], 'nothing else is left behind');

  const csvFile = path.join(dir, 'audit.csv');
  const csv = await cli(['audit', 'export', '--format', 'csv', '--action', 'user.created', '--output', csvFile], { env: admin.env });
  t.is(csv.code, 0, csv.stderr);
  t.regex(csv.stdout, /^Exported audit events to .*audit\.csv \(csv, \d+ bytes\)\.$/m);
  const rows = parseCsv(readFileSync(csvFile, 'utf8'));
  t.deepEqual(rows[0], [
    'id',
    'seq',
    'at',
    'source',
    'actor_type',
    'actor_id',
    'action',
    'resource_type',
    'resource_id',
    'outcome',
    'ip',
    'user_agent',
    'request_id',
    'details_json',
    'prev_hash',
    'hash',
  ]);
  t.true(
    rows.slice(1).every((row) => row[6] === 'user.created'),
    'the filter applies',
  );
  t.true(rows.some((row) => row[0] === user.event.id && row[8] === user.id));

  // To stdout, filtered: exactly the one event.
  const out = await cli(['audit', 'export', '--resource-id', user.id, '--action', 'user.created'], { env: admin.env });
  t.is(out.code, 0, out.stderr);
  t.deepEqual(
    ndjson(out.stdout).map((e) => e.id),
    [user.event.id],
  );

  const nowhere = await cli(['audit', 'export', '--output', path.join(dir, 'missing', 'audit.ndjson')], { env: admin.env });
  t.is(nowhere.code, 2, nowhere.stderr);
  t.regex(nowhere.stderr, /cannot write .*missing.*ENOENT/);
  t.false(existsSync(path.join(dir, 'missing')));
  t.is((await cli(['audit', 'export', '--format', 'xml'], { env: admin.env })).code, 2);
});

test.serial(
  'when tail runs, then it prints the latest events oldest first; with --follow it prints a new one, and SIGTERM ends it with 0',
  async (t) => {
    const latest = await cli(['audit', 'tail', '--limit', '3', '--json'], { env: admin.env });
    t.is(latest.code, 0, latest.stderr);
    const lines = ndjson(latest.stdout);
    t.is(lines.length, 3);
    t.deepEqual(
      lines.map((e) => e.seq),
      lines.map((e) => e.seq).sort((a, b) => a - b),
      'oldest first, the newest last',
    );
    const human = await cli(['audit', 'tail', '--limit', '2'], { env: admin.env });
    t.is(human.code, 0, human.stderr);
    t.regex(human.stdout, /^SEQ\s+AT\s+ACTION\s+OUTCOME\s+ACTOR\s+RESOURCE\s+ID\s+DETAILS\n.+\n.+\n$/);

    const follow = startCli(['audit', 'tail', '--follow', '--action', 'user.created', '--limit', '1', '--json'], { env: admin.env });
    t.teardown(() => follow.stop('SIGKILL', 1_000));
    await follow.waitFor(/Following new events/, 'stderr');

    const user = await newUser(stack, adminSession, { role: 'viewer' });
    await follow.waitFor(new RegExp(`"resource":\\{"type":"user","id":"${user.id}"\\}`), 'stdout', 30_000);
    const other = await newUser(stack, adminSession, { role: 'viewer' });
    await follow.waitFor(new RegExp(`"id":"${other.id}"`), 'stdout', 30_000);

    const ended = await follow.stop('SIGTERM');
    t.is(ended.code, 0, ended.stderr);
    const printed = ndjson(ended.stdout);
    t.true(printed.length <= 3, 'the latest one, then the two new ones');
    t.true(
      printed.every((e) => e.action === 'user.created'),
      'the filter applies',
    );
    t.deepEqual(
      printed.map((e) => e.resource.id).filter((id) => id === user.id || id === other.id),
      [user.id, other.id],
      'each new event printed once, in order',
    );

    const humanFollow = startCli(['audit', 'tail', '-f', '--resource-type', 'user'], { env: admin.env });
    t.teardown(() => humanFollow.stop('SIGKILL', 1_000));
    await humanFollow.waitFor(/Following new events/, 'stderr');
    const third = await newUser(stack, adminSession, { role: 'viewer' });
    await humanFollow.waitFor(
      new RegExp(`user\\.created\\s+success\\s+user:${adminSession.user.id}\\s+user:${third.id}`),
      'stdout',
      30_000,
    );
    const stopped = await humanFollow.stop('SIGINT');
    t.is(stopped.code, 0, stopped.stderr);
    t.regex(stopped.stdout, /^SEQ\s+AT\s+ACTION/);
  },
);

test.serial('when an export is cut off mid-stream, then it exits 7, and --output leaves the file as it was', async (t) => {
  // A plain-HTTP front that passes the export's status and the first half of its first chunk, then hangs up.
  const front = http.createServer((req, res) => {
    const upstream = https.request(
      new URL(req.url ?? '/', stack.url),
      { headers: { authorization: String(req.headers.authorization), accept: String(req.headers.accept) }, ca: stack.ca },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, { 'content-type': String(answer.headers['content-type']) });
        answer.once('data', (chunk: Buffer) => {
          res.write(chunk.subarray(0, Math.ceil(chunk.length / 2)), () => setTimeout(() => req.socket.destroy(), 50));
          answer.destroy();
        });
      },
    );
    upstream.on('error', () => req.socket.destroy());
    upstream.end();
  });
  await new Promise<void>((resolve) => front.listen(0, '127.0.0.1', resolve));
  t.teardown(() => front.close());
  const env = {
    ...admin.env,
    TOLLGATE_URL: `http://127.0.0.1:${(front.address() as AddressInfo).port}`,
    TOLLGATE_TOKEN: adminSession.access_token,
  };

  const dir = scratchDir(t);
  const file = path.join(dir, 'audit.ndjson');
  writeFileSync(file, 'the previous export\n');
  const r = await cli(['audit', 'export', '--output', file], { env });
  t.is(r.code, 7, r.stderr);
  t.regex(r.stderr, /in the middle of the answer: the output is incomplete/);
  t.notRegex(r.stderr, /retrying/, 'what was written is never written again');
  t.is(readFileSync(file, 'utf8'), 'the previous export\n');
  t.deepEqual(readdirSync(dir), ['audit.ndjson'], 'no partial file is left behind');

  const toStdout = await cli(['audit', 'export'], { env });
  t.is(toStdout.code, 7);
  t.true(toStdout.stdout.length > 0, 'what arrived was passed on');
  t.regex(toStdout.stderr, /the output is incomplete/);
});

test.serial('when the stored log is tampered with, then verify prints the first bad event and exits 8', async (t) => {
  const user = await createdUser();
  const conn = await mongoose.createConnection(testEnv.mongoUrl, { dbName: stack.env.audit.MONGO_DB }).asPromise();
  t.teardown(() => conn.close());
  await conn.collection<{ _id: string }>('audit_events').updateOne({ _id: user.event.id }, { $set: { action: 'user.deleted' } });

  const r = await cli(['audit', 'verify', '--json'], { env: admin.env });
  t.is(r.code, 8, r.stderr);
  t.deepEqual(json(r), { ok: false, checked: user.event.seq, first_bad_id: user.event.id });
  t.like(JSON.parse(r.stderr), { error: { code: 'chain_broken', exit_code: 8 } });

  const human = await cli(['audit', 'verify'], { env: admin.env });
  t.is(human.code, 8);
  t.regex(human.stdout, /^BROKEN: the hash chain does not hold\.$/m);
  t.regex(human.stdout, new RegExp(`^First bad event\\s+${user.event.id} \\(seq ${user.event.seq}, .* user\\.deleted\\)$`, 'm'));
  t.regex(human.stderr, new RegExp(`hash chain is broken at event ${user.event.id}`));
});
