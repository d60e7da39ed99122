import test, { type ExecutionContext } from 'ava';
import { startMoneyStack } from '../../../test/support/factories.js';
import { createUserAndLogin, loginAsAdmin } from '../../../test/support/session.js';
import type { Stack } from '../../../test/support/stack.js';
import { cli, cliOnTerminal, gatewayEnv, json, workspace, type CliResult, type Workspace } from './cli.js';

// `tollgate key` against the real stack: admins store, rotate, change and delete provider
// keys, entered on stdin or at a prompt; nothing ever prints a key.
let stack: Stack;
let admin: Workspace;
let manager: Workspace;
let member: Workspace;
test.before(async () => {
  stack = await startMoneyStack({ gateway: gatewayEnv });
  const adminSession = await loginAsAdmin(stack);
  admin = workspace(stack, { TOLLGATE_TOKEN: adminSession.access_token });
  manager = workspace(stack, { TOLLGATE_TOKEN: (await createUserAndLogin(stack, adminSession, 'manager')).access_token });
  member = workspace(stack, { TOLLGATE_TOKEN: (await createUserAndLogin(stack, adminSession, 'member')).access_token });
});
test.after.always(async () => {
  for (const ws of [admin, manager, member]) ws?.cleanup();
  await stack?.close();
});

const random = () => Math.random().toString(36).slice(2, 8);
const unique = (label: string) => `${label}-${random()}`;

/** A fresh plaintext key: `sk-live-` + a distinctive middle + 4 known last characters. */
const plaintext = (last4 = random().slice(0, 4).padEnd(4, 'x')) => `sk-live-CLISECRET${random()}${random()}${last4}`;

/** The part of `key` its mask never shows (everything between the prefix and the last four). */
const hidden = (key: string) => key.slice('sk-'.length, -4);

/** Fails when any of `keys` (their hidden part) shows anywhere in what the CLI printed. */
function neverPrinted(t: ExecutionContext, r: CliResult | { output: string }, ...keys: string[]): void {
  const printed = 'output' in r ? r.output : `${r.stdout}\n${r.stderr}`;
  for (const key of keys) t.false(printed.includes(hidden(key)), `the key was printed:\n${printed}`);
}

/** A key stored through the CLI by the admin, the key on stdin; as --json shows it. */
async function createKey(t: ExecutionContext, key: string, args: string[] = []): Promise<Record<string, string>> {
  const r = await cli(['key', 'create', '--provider', 'openai', '--name', unique('key'), ...args, '--api-key-stdin', '--json'], {
    env: admin.env,
    stdin: `${key}\n`,
  });
  if (r.code !== 0) throw new Error(`key create failed (exit ${r.code}): ${r.stderr}`);
  neverPrinted(t, r, key);
  return json(r);
}

test('when an admin stores a key from stdin, then create, list and get show only its mask, as tables and as JSON', async (t) => {
  const key = plaintext('9876');
  const name = unique('prod');
  const r = await cli(['key', 'create', '--provider', 'openai', '--name', name, '--api-key-stdin', '--json'], {
    env: admin.env,
    stdin: `${key}\n`,
  });
  t.is(r.code, 0, r.stderr);
  neverPrinted(t, r, key);
  const created = json(r);
  t.regex(created.id, /^pk_/);
  t.like(created, {
    provider: 'openai',
    name,
    masked: 'sk-…9876',
    base_url: 'https://api.openai.com/v1',
    disabled: false,
    rotated_at: null,
  });
  t.deepEqual(Object.keys(created).sort(), ['base_url', 'created_at', 'disabled', 'id', 'masked', 'name', 'provider', 'rotated_at']);

  const otherKey = plaintext('4321');
  const human = await cli(
    ['key', 'create', '--provider', 'acme', '--name', `${name}-acme`, '--base-url', 'https://llm.example.com/v1', '--api-key-stdin'],
    {
      env: admin.env,
      stdin: otherKey,
    },
  );
  t.is(human.code, 0, human.stderr);
  neverPrinted(t, human, otherKey);
  t.regex(human.stdout, /^Provider key pk_\S+ stored \(encrypted; only its mask is ever shown\)\.$/m);
  t.regex(human.stdout, /^Provider\s+acme$/m);
  t.regex(human.stdout, /^Key\s+sk-…4321$/m);
  t.regex(human.stdout, /^Base URL\s+https:\/\/llm\.example\.com\/v1$/m);
  t.regex(human.stdout, /^Rotated\s+never$/m);

  const listed = await cli(['key', 'list', '--provider', 'openai', '--all', '--json'], { env: admin.env });
  t.is(listed.code, 0, listed.stderr);
  t.is(json(listed).next_cursor, null);
  t.deepEqual(
    json(listed).items.find((k: { id: string }) => k.id === created.id),
    created,
  );
  t.false(
    json(listed).items.some((k: { provider: string }) => k.provider !== 'openai'),
    '--provider filters',
  );
  neverPrinted(t, listed, key, otherKey);

  const table = await cli(['key', 'list', '--all'], { env: manager.env });
  t.is(table.code, 0, table.stderr);
  t.regex(table.stdout, /^ID\s+PROVIDER\s+NAME\s+KEY\s+DISABLED\s+ROTATED\s+BASE URL$/m);
  t.regex(
    table.stdout,
    new RegExp(`^${created.id}\\s+openai\\s+${name}\\s+sk-…9876\\s+no\\s+never\\s+https://api\\.openai\\.com/v1$`, 'm'),
  );
  t.regex(table.stdout, new RegExp(`^pk_\\S+\\s+acme\\s+${name}-acme\\s+sk-…4321\\s+no\\s+never\\s+https://llm\\.example\\.com/v1$`, 'm'));
  neverPrinted(t, table, key, otherKey);

  const got = await cli(['key', 'get', created.id, '--json'], { env: manager.env });
  t.is(got.code, 0, got.stderr);
  t.deepEqual(json(got), created);
  const summary = await cli(['key', 'get', created.id], { env: admin.env });
  t.is(summary.code, 0, summary.stderr);
  t.regex(summary.stdout, new RegExp(`^Name\\s+${name}$`, 'm'));
  t.regex(summary.stdout, /^Key\s+sk-…9876$/m);
  t.regex(summary.stdout, /^Disabled\s+no$/m);
  neverPrinted(t, summary, key);

  await createKey(t, plaintext());
  const page = await cli(['key', 'list', '--provider', 'openai', '--limit', '1', '--json'], { env: admin.env });
  t.is(json(page).items.length, 1);
  t.truthy(json(page).next_cursor);
  const more = await cli(['key', 'list', '--provider', 'openai', '--limit', '1'], { env: admin.env });
  t.regex(more.stderr, /More provider keys: run again with --cursor \S+, or use --all\./);
  t.regex((await cli(['key', 'list', '--provider', 'nobody'], { env: admin.env })).stdout, /^No provider keys\.$/m);
});

test('when an admin rotates, renames, disables and moves a key, then its mask and fields change and no key is printed', async (t) => {
  const key = plaintext('1111');
  const created = await createKey(t, key);

  const newKey = plaintext('2222');
  const rotated = await cli(['key', 'rotate', created.id, '--api-key-stdin', '--json'], { env: admin.env, stdin: `${newKey}\n` });
  t.is(rotated.code, 0, rotated.stderr);
  neverPrinted(t, rotated, key, newKey);
  t.like(json(rotated), { id: created.id, masked: 'sk-…2222', base_url: created.base_url, name: created.name });
  t.truthy(Date.parse(json(rotated).rotated_at));
  const thirdKey = plaintext('3333');
  const human = await cli(['key', 'rotate', created.id, '--api-key-stdin'], { env: admin.env, stdin: thirdKey });
  t.is(human.code, 0, human.stderr);
  neverPrinted(t, human, thirdKey);
  t.regex(human.stdout, new RegExp(`^Provider key ${created.id} rotated: the gateway uses the new key from now on\\.$`, 'm'));
  t.regex(human.stdout, /^Key\s+sk-…3333$/m);
  t.regex(human.stdout, /^Rotated\s+\d{4}-\d\d-\d\d \d\d:\d\d UTC$/m);

  const renamed = await cli(['key', 'update', created.id, '--name', `${created.name}-2`, '--disable', '--json'], { env: admin.env });
  t.is(renamed.code, 0, renamed.stderr);
  t.like(json(renamed), { name: `${created.name}-2`, disabled: true, masked: 'sk-…3333', base_url: created.base_url });
  const enabled = await cli(['key', 'update', created.id, '--enable'], { env: admin.env });
  t.is(enabled.code, 0, enabled.stderr);
  t.regex(enabled.stdout, /^Disabled\s+no$/m);

  // A new base URL takes the key again: a key is only ever sent where it was entered for.
  const movedKey = plaintext('4444');
  const moved = await cli(['key', 'update', created.id, '--base-url', 'https://gw.example.com/v1', '--api-key-stdin', '--json'], {
    env: admin.env,
    stdin: movedKey,
  });
  t.is(moved.code, 0, moved.stderr);
  neverPrinted(t, moved, movedKey);
  t.like(json(moved), { base_url: 'https://gw.example.com/v1', masked: 'sk-…4444', disabled: false });
  t.like(json(await cli(['key', 'get', created.id, '--json'], { env: admin.env })), { base_url: 'https://gw.example.com/v1' });

  const noKey = await cli(['key', 'update', created.id, '--base-url', 'https://other.example.com/v1'], { env: admin.env });
  t.is(noKey.code, 2, 'no terminal to ask for the key, and no --api-key-stdin');
  t.regex(noKey.stderr, /--api-key-stdin/);
  const keyAlone = await cli(['key', 'update', created.id, '--api-key-stdin'], { env: admin.env, stdin: plaintext() });
  t.is(keyAlone.code, 2);
  t.regex(keyAlone.stderr, /key rotate/);
  for (const args of [[], ['--disable', '--enable']]) {
    t.is((await cli(['key', 'update', created.id, ...args], { env: admin.env })).code, 2, args.join(' '));
  }
  t.regex((await cli(['key', 'update', created.id], { env: admin.env })).stderr, /nothing to update/);
  const notHttps = await cli(['key', 'update', created.id, '--base-url', 'ftp://example.com', '--api-key-stdin'], {
    env: admin.env,
    stdin: movedKey,
  });
  t.is(notHttps.code, 6, 'the gateway names the field it refuses');
  t.regex(notHttps.stderr, /base_url/);
  neverPrinted(t, notHttps, movedKey);
  t.like(json(await cli(['key', 'get', created.id, '--json'], { env: admin.env })), {
    name: `${created.name}-2`,
    base_url: 'https://gw.example.com/v1',
    masked: 'sk-…4444',
  });
});

test('when delete runs without a terminal and without --yes, then it refuses (exit 2) and the key stays; with --yes it is gone', async (t) => {
  const created = await createKey(t, plaintext());

  const refused = await cli(['key', 'delete', created.id], { env: admin.env, stdin: 'y\n' });
  t.is(refused.code, 2);
  t.regex(refused.stderr, /refusing to delete provider key .* pass --yes/);
  t.is((await cli(['key', 'get', created.id], { env: admin.env })).code, 0, 'nothing was deleted');

  const deleted = await cli(['key', 'delete', created.id, '--yes', '--json'], { env: admin.env });
  t.is(deleted.code, 0, deleted.stderr);
  t.deepEqual(json(deleted), { id: created.id, deleted: true });
  const gone = await cli(['key', 'get', created.id], { env: admin.env });
  t.is(gone.code, 5);
  t.regex(gone.stderr, /not found/);
  t.is((await cli(['key', 'delete', created.id, '--yes'], { env: admin.env })).code, 5, 'deleting twice: not found');
});

test('when the key is offered as an argument, or is missing or malformed, then nothing is stored and it is never echoed', async (t) => {
  const name = unique('refused');
  const key = plaintext();
  const storedNames = async () =>
    (json(await cli(['key', 'list', '--all', '--json'], { env: admin.env })).items as { name: string }[]).map((k) => k.name);

  const asOption = await cli(['key', 'create', '--provider', 'openai', '--name', name, '--api-key', key], { env: admin.env });
  t.is(asOption.code, 2);
  t.regex(asOption.stderr, /never taken as an argument .*--api-key-stdin/);
  neverPrinted(t, asOption, key);
  const asRotateOption = await cli(['key', 'rotate', 'pk_0000000000000000000000000', '--api-key', key], { env: admin.env });
  t.is(asRotateOption.code, 2);
  neverPrinted(t, asRotateOption, key);
  const asArgument = await cli(['key', 'create', '--provider', 'openai', '--name', name, key], { env: admin.env });
  t.is(asArgument.code, 2);
  neverPrinted(t, asArgument, key);
  const asId = await cli(['key', 'get', key], { env: admin.env });
  t.is(asId.code, 2, 'something that is not a pk_ id is not sent');
  neverPrinted(t, asId, key);

  const noTerminal = await cli(['key', 'create', '--provider', 'openai', '--name', name], { env: admin.env, stdin: key });
  t.is(noTerminal.code, 2, 'without --api-key-stdin it would ask, and there is no terminal');
  t.regex(noTerminal.stderr, /no terminal to ask for the API key — pipe it in with --api-key-stdin/);
  const empty = await cli(['key', 'create', '--provider', 'openai', '--name', name, '--api-key-stdin'], { env: admin.env, stdin: '\n' });
  t.is(empty.code, 2);
  t.regex(empty.stderr, /the API key is empty/);

  const short = await cli(['key', 'create', '--provider', 'openai', '--name', name, '--api-key-stdin'], {
    env: admin.env,
    stdin: 'sk-short',
  });
  t.is(short.code, 6, short.stderr);
  t.regex(short.stderr, /api_key/);
  t.false(short.stderr.includes('sk-short'));
  const noBase = await cli(['key', 'create', '--provider', 'acme', '--name', name, '--api-key-stdin'], { env: admin.env, stdin: key });
  t.is(noBase.code, 6, 'a provider without a known API address needs --base-url');
  t.regex(noBase.stderr, /base_url/);
  neverPrinted(t, noBase, key);
  t.is((await cli(['key', 'create', '--name', name, '--api-key-stdin'], { env: admin.env, stdin: key })).code, 2, '--provider is required');

  t.false((await storedNames()).includes(name), 'nothing was stored');
});

test('when someone other than an admin manages keys, then exit 4; members cannot read them; unknown keys exit 5', async (t) => {
  const created = await createKey(t, plaintext());
  const key = plaintext();

  const byManager = await cli(['key', 'create', '--provider', 'openai', '--name', unique('mgr'), '--api-key-stdin'], {
    env: manager.env,
    stdin: key,
  });
  t.is(byManager.code, 4, byManager.stderr);
  t.regex(byManager.stderr, /forbidden/);
  neverPrinted(t, byManager, key);
  const rotate = await cli(['key', 'rotate', created.id, '--api-key-stdin'], { env: manager.env, stdin: key });
  t.is(rotate.code, 4);
  neverPrinted(t, rotate, key);
  t.is((await cli(['key', 'update', created.id, '--disable'], { env: manager.env })).code, 4);
  t.is((await cli(['key', 'delete', created.id, '--yes'], { env: manager.env })).code, 4);
  t.is((await cli(['key', 'get', created.id], { env: manager.env })).code, 0, 'managers may read keys, masked');
  t.is((await cli(['key', 'list'], { env: member.env })).code, 4);
  t.is((await cli(['key', 'get', created.id], { env: member.env })).code, 4);
  t.like(json(await cli(['key', 'get', created.id, '--json'], { env: admin.env })), { masked: created.masked, disabled: false });

  const missing = 'pk_0000000000000000000000000';
  for (const [args, stdin] of [
    [['get', missing], ''],
    [['update', missing, '--name', 'x'], ''],
    [['rotate', missing, '--api-key-stdin'], key],
    [['delete', missing, '--yes'], ''],
  ] as const) {
    const r = await cli(['key', ...args], { env: admin.env, stdin });
    t.is(r.code, 5, `${args.join(' ')}: ${r.stderr}`);
    neverPrinted(t, r, key);
  }
});

test('when the key is typed at the prompt, then it is not echoed; delete answered n keeps the key, y deletes it', async (t) => {
  const key = plaintext('7777');
  const name = unique('typed');
  const typed = await cliOnTerminal(['key', 'create', '--provider', 'openai', '--name', name], {
    env: admin.env,
    steps: [{ waitFor: /API key: /, send: `${key}\r` }],
  });
  t.is(typed.code, 0, typed.output);
  neverPrinted(t, typed, key);
  t.regex(typed.output, /Key\s+sk-…7777/);
  const id = /ID\s+(pk_\w+)/.exec(typed.output)?.[1];
  t.truthy(id, typed.output);

  const newKey = plaintext('8888');
  const rotated = await cliOnTerminal(['key', 'rotate', id!], {
    env: admin.env,
    steps: [{ waitFor: /New API key: /, send: `${newKey}\r` }],
  });
  t.is(rotated.code, 0, rotated.output);
  neverPrinted(t, rotated, key, newKey);
  t.like(json(await cli(['key', 'get', id!, '--json'], { env: admin.env })), { name, masked: 'sk-…8888' });

  const no = await cliOnTerminal(['key', 'delete', id!], {
    env: admin.env,
    steps: [{ waitFor: /Are you sure\? \(y\/N\)/, send: 'n\r' }],
  });
  t.is(no.code, 0, no.output);
  t.regex(no.output, new RegExp(`Provider key ${name} \\(${id}, openai, sk-…8888\\) will be deleted`), 'the prompt says what goes');
  t.regex(no.output, /Not deleted/);
  t.is((await cli(['key', 'get', id!], { env: admin.env })).code, 0);

  const yes = await cliOnTerminal(['key', 'delete', id!], {
    env: admin.env,
    steps: [{ waitFor: /Are you sure\? \(y\/N\)/, send: 'y\r' }],
  });
  t.is(yes.code, 0, yes.output);
  t.regex(yes.output, new RegExp(`Provider key ${id} deleted`));
  t.is((await cli(['key', 'get', id!], { env: admin.env })).code, 5);
});
