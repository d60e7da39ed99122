import test from 'ava';
import { loginAsAdmin } from '../../../test/support/session.js';
import { startStack, type Stack } from '../../../test/support/stack.js';
import { cli, gatewayEnv, json, workspace, type Workspace } from './cli.js';

// `tollgate ip-rule` against the real stack; the CLI calls from loopback.
let stack: Stack;
let admin: Workspace;
test.before(async () => {
  stack = await startStack({ services: ['audit', 'identity'], env: { gateway: gatewayEnv } });
  admin = workspace(stack, { TOLLGATE_TOKEN: (await loginAsAdmin(stack)).access_token });
});
test.after.always(async () => {
  admin?.cleanup();
  await stack?.close();
});

test('when an admin adds, lists and deletes IP rules, then each shows, and a rule that would lock them out needs --force', async (t) => {
  const added = await cli(['ip-rule', 'add', '203.0.113.7/24', '--action', 'deny', '--description', 'scanner', '--json'], {
    env: admin.env,
  });
  t.is(added.code, 0, added.stderr);
  const rule = json(added);
  t.like(rule, { cidr: '203.0.113.0/24', action: 'deny', scope: 'all', description: 'scanner' });

  const listed = await cli(['ip-rule', 'list'], { env: admin.env });
  t.is(listed.code, 0, listed.stderr);
  t.regex(listed.stdout, new RegExp(`^${rule.id}\\s+203\\.0\\.113\\.0/24\\s+deny\\s+all\\s+scanner`, 'm'));

  const locked = await cli(['ip-rule', 'add', '10.0.0.0/8', '--action', 'allow', '--scope', 'admin'], { env: admin.env });
  t.is(locked.code, 6, locked.stderr);
  t.regex(locked.stderr, /would be refused on admin routes by this rule — pass --force/);
  const invalid = await cli(['ip-rule', 'add', '10.0.0.0/33', '--action', 'deny'], { env: admin.env });
  t.is(invalid.code, 6, invalid.stderr);
  t.regex(invalid.stderr, /invalid request/);

  t.is((await cli(['ip-rule', 'delete', rule.id], { env: admin.env })).code, 2, 'no terminal: --yes is required');
  const deleted = await cli(['ip-rule', 'delete', rule.id, '--yes'], { env: admin.env });
  t.is(deleted.code, 0, deleted.stderr);
  t.regex(deleted.stdout, /deleted/);
  t.regex((await cli(['ip-rule', 'list'], { env: admin.env })).stdout, /No IP rules/);
});
