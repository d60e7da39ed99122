import test from 'ava';
import { eventually } from '../../../test/support/eventually.js';
import { createUserAndLogin, loginAsAdmin } from '../../../test/support/session.js';
import { startStack, type Stack } from '../../../test/support/stack.js';
import { cli, gatewayEnv, json, loginAdmin, workspace, type Workspace } from './cli.js';

// `tollgate health` against the real stack: the bootstrap admin, logged in through the CLI, and a member.
let stack: Stack;
let admin: Workspace;
let member: Workspace;
test.before(async () => {
  stack = await startStack({ env: { gateway: gatewayEnv } });
  admin = workspace(stack);
  await loginAdmin(stack, admin);
  member = workspace(stack, { TOLLGATE_TOKEN: (await createUserAndLogin(stack, await loginAsAdmin(stack), 'member')).access_token });
});
test.after.always(async () => {
  admin?.cleanup();
  member?.cleanup();
  await stack?.close();
});

// Serial tests run before the others: the audit outage is over before they run.
test.serial('when a service is down, then health shows it with its error and exits 8', async (t) => {
  await stack.stop('audit');
  try {
    const r = await cli(['health'], { env: admin.env });
    t.is(r.code, 8, r.stderr);
    t.regex(r.stdout, /^Status\s+degraded$/m);
    t.regex(r.stdout, /^audit\s+down\s+[\d.]+ ms\s+—\s+\S/m);
    t.regex(r.stdout, /^identity\s+ok\s/m);
    t.is(r.stderr, 'tollgate: degraded: audit is down\n');
  } finally {
    await stack.start('audit');
  }
  const back = await eventually(
    () => cli(['health', '--json'], { env: admin.env }),
    (r) => r.code === 0,
  );
  t.is(json(back).status, 'ok');
});

test('when an admin runs health, then every dependency is listed up with its latency and version, and the gateway with its uptime', async (t) => {
  const r = await cli(['health'], { env: admin.env });
  t.is(r.code, 0, r.stderr);
  t.regex(r.stdout, /^Gateway\s+\d+\.\d+\.\d+, up \d+[smhd]/m);
  t.regex(r.stdout, /^Status\s+ok$/m);
  t.regex(r.stdout, /^NAME\s+STATUS\s+LATENCY\s+VERSION\s+UP\s+BACKLOG\s+ERROR$/m);
  for (const name of ['redis', 'identity', 'token', 'budget', 'provider-key', 'audit'])
    t.regex(
      r.stdout,
      new RegExp(
        // BACKLOG: none waiting, or what a service has yet to deliver (an audit event of the logins just made).
        `^${name}\\s+ok\\s+[\\d.]+ ms\\s+\\d+\\.\\d+\\.\\d+\\s+(${name === 'redis' ? '—' : '\\d+[smhd]( \\d+[smhd])?'})\\s+(—|\\w+_outbox \\d+ \\(oldest .+\\))$`,
        'm',
      ),
      name,
    );

  const j = json(await cli(['health', '--json'], { env: admin.env }));
  t.is(j.status, 'ok');
  t.is(j.dependencies.length, 6);
});

test('when a member runs health, then it is forbidden (exit 4)', async (t) => {
  const r = await cli(['health'], { env: member.env });
  t.is(r.code, 4, r.stderr);
});
