import test from 'ava';
import { createUserAndLogin, loginAsAdmin } from '../../../test/support/session.js';
import { startStack, type Stack } from '../../../test/support/stack.js';
import { cli, cliOnTerminal, gatewayEnv, json, loginAdmin, workspace, type Workspace } from './cli.js';

let stack: Stack;
let admin: Workspace;
test.before(async () => {
  stack = await startStack({ env: { gateway: gatewayEnv } });
  admin = workspace(stack);
  await loginAdmin(stack, admin);
});
test.after.always(async () => {
  admin?.cleanup();
  await stack?.close();
});

const set = (provider: string, model: string, input: string, output: string, env = admin.env) =>
  cli(['price', 'set', provider, model, '--input', input, '--output', output, '--json'], { env });
const priceOf = async (provider: string, model: string) =>
  (json(await cli(['price', 'list', '--provider', provider, '--json'], { env: admin.env })).items as { model: string }[]).find(
    (p) => p.model === model,
  );

test('when an admin sets a price, then list shows it beside the shipped ones, and remove --yes takes it away', async (t) => {
  const r = await set('groq', 'meta-llama/llama-4:scout.v1', '0.11', '0.340001');
  t.is(r.code, 0, r.stderr);
  t.deepEqual(json(r), {
    provider: 'groq',
    model: 'meta-llama/llama-4:scout.v1',
    input_usd_per_million: 0.11,
    output_usd_per_million: 0.340001,
    source: 'admin',
  });
  t.regex(
    (await cli(['price', 'set', 'groq', 'acme-human', '--input', '1', '--output', '2'], { env: admin.env })).stdout,
    /^groq\/acme-human: \$1 in \/ \$2 out per million tokens\.$/m,
  );

  const table = await cli(['price', 'list'], { env: admin.env });
  t.is(table.code, 0, table.stderr);
  t.regex(table.stdout, /^PROVIDER\s+MODEL\s+INPUT \$\/M\s+OUTPUT \$\/M\s+SOURCE$/m);
  t.regex(table.stdout, /^groq\s+meta-llama\/llama-4:scout\.v1\s+0\.11\s+0\.340001\s+admin$/m);
  t.regex(table.stdout, /^openai\s+gpt-4o\s+2\.5\s+10\s+shipped$/m);

  const removed = await cli(['price', 'remove', 'groq', 'meta-llama/llama-4:scout.v1', '--yes', '--json'], { env: admin.env });
  t.is(removed.code, 0, removed.stderr);
  t.deepEqual(json(removed), { provider: 'groq', model: 'meta-llama/llama-4:scout.v1', removed: true });
  t.is(await priceOf('groq', 'meta-llama/llama-4:scout.v1'), undefined);
  const again = await cli(['price', 'remove', 'groq', 'meta-llama/llama-4:scout.v1', '--yes'], { env: admin.env });
  t.is(again.code, 5, 'not found');
});

test('when remove is answered n, then the price stays; answered y, it is removed', async (t) => {
  t.is((await set('openai', 'acme-confirm', '1', '1')).code, 0);
  const no = await cliOnTerminal(['price', 'remove', 'openai', 'acme-confirm'], {
    env: admin.env,
    steps: [{ waitFor: /Are you sure\? \(y\/N\)/, send: 'n\r' }],
  });
  t.is(no.code, 0, no.output);
  t.regex(no.output, /\$1 in \/ \$1 out per million tokens, admin/, 'the prompt says what goes');
  t.regex(no.output, /Not removed/);
  t.truthy(await priceOf('openai', 'acme-confirm'));

  const yes = await cliOnTerminal(['price', 'remove', 'openai', 'acme-confirm'], {
    env: admin.env,
    steps: [{ waitFor: /Are you sure\? \(y\/N\)/, send: 'y\r' }],
  });
  t.is(yes.code, 0, yes.output);
  t.regex(yes.output, /Price of openai\/acme-confirm removed/);
  t.is(await priceOf('openai', 'acme-confirm'), undefined);
});

test('when remove runs without a terminal and without --yes, then it refuses (exit 2) and the price stays', async (t) => {
  const r = await cli(['price', 'remove', 'openai', 'gpt-4o'], { env: admin.env, stdin: 'y\n' });
  t.is(r.code, 2);
  t.regex(r.stderr, /refusing to remove .* pass --yes/);
  t.truthy(await priceOf('openai', 'gpt-4o'));
});

test('when the price is malformed, then exit 2 names the option and nothing is sent; someone other than an admin gets exit 4', async (t) => {
  for (const input of ['1.0000001', '', 'free']) {
    const bad = await cli(['price', 'set', 'openai', 'acme-bad', '--input', input, '--output', '1'], { env: admin.env });
    t.is(bad.code, 2, input);
    t.regex(bad.stderr, /--input must be a USD amount/);
  }
  t.is(await priceOf('openai', 'acme-bad'), undefined);
  t.is((await cli(['price', 'set', 'openai', 'acme-bad', '--input', '1'], { env: admin.env })).code, 2, '--output is required');

  const member = await createUserAndLogin(stack, await loginAsAdmin(stack), 'member');
  const ws = workspace(stack, { TOLLGATE_TOKEN: member.access_token });
  t.teardown(ws.cleanup);
  const refused = await set('openai', 'acme-member', '1', '1', ws.env);
  t.is(refused.code, 4);
  t.regex(refused.stderr, /forbidden/);
  t.is((await cli(['price', 'list', '--provider', 'openai'], { env: ws.env })).code, 0, 'members may list');
});

test('when an admin sets a price per call, then call list shows it, and call remove (asked, or --yes) takes it away', async (t) => {
  const r = await cli(['price', 'call', 'set', 'openai', 'images/generations', '--usd', '0.04', '--json'], { env: admin.env });
  t.is(r.code, 0, r.stderr);
  t.deepEqual(json(r), { provider: 'openai', path: 'images/generations', usd_per_call: 0.04 });
  t.regex(
    (await cli(['price', 'call', 'set', 'openai', '/audio/speech/', '--usd', '0.015'], { env: admin.env })).stdout,
    /^openai\/audio\/speech: \$0\.015 per call\.$/m,
  );
  const table = await cli(['price', 'call', 'list', '--provider', 'openai'], { env: admin.env });
  t.is(table.code, 0, table.stderr);
  t.regex(table.stdout, /^PROVIDER\s+PATH\s+\$\/CALL$/m);
  t.regex(table.stdout, /^openai\s+audio\/speech\s+0\.015$/m);
  t.regex(table.stdout, /^openai\s+images\/generations\s+0\.04$/m);

  const no = await cliOnTerminal(['price', 'call', 'remove', 'openai', 'images/generations'], {
    env: admin.env,
    steps: [{ waitFor: /Are you sure\? \(y\/N\)/, send: 'n\r' }],
  });
  t.regex(no.output, /\$0\.04 per call/, 'the prompt says what goes');
  t.regex(no.output, /Not removed/);
  for (const apiPath of ['images/generations', 'audio/speech']) {
    const removed = await cli(['price', 'call', 'remove', 'openai', apiPath, '--yes', '--json'], { env: admin.env });
    t.is(removed.code, 0, removed.stderr);
    t.deepEqual(json(removed), { provider: 'openai', path: apiPath, removed: true });
  }
  t.deepEqual(json(await cli(['price', 'call', 'list', '--json'], { env: admin.env })).items, []);
  t.is((await cli(['price', 'call', 'remove', 'openai', 'audio/speech', '--yes'], { env: admin.env })).code, 5, 'not found');
  const tokenPriced = await cli(['price', 'call', 'set', 'openai', 'chat/completions', '--usd', '1'], { env: admin.env });
  t.is(tokenPriced.code, 6, tokenPriced.stderr);
  t.regex(tokenPriced.stderr, /priced by its tokens/);
});
