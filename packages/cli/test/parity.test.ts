import test from 'ava';
import type { Command } from 'commander';
import { startStack, type Stack } from '../../../test/support/stack.js';
import { operationsOf } from '../src/operations.js';
import { createProgram } from '../src/program.js';

// CLI parity: every public REST operation of the gateway's OpenAPI document has a `tollgate`
// command, or is named below with the reason it has none. What the CLI covers comes from the
// commands themselves: each declares the operations it performs with `calls` (src/operations.ts).
let stack: Stack;
test.before(async () => {
  stack = await startStack({ services: [] });
});
test.after.always(() => stack?.close());

const AGENT_RUNTIME =
  'the agent runtime’s protocol: only the agent itself calls it, with its own tg_agt_ credential, through @tollgate/sdk ' +
  '(the handshake’s IP token only the SDK opens)';

const LIVENESS = 'a liveness probe for the orchestrator and load balancer';

const PASSKEY_CEREMONY =
  'a browser ceremony: the authenticator answers navigator.credentials in a page of the gateway’s origin (the console)';

/**
 * Operations that are not for a command line, each with why. `ANY` stands for every method of
 * the path. Every entry must name an operation of the document, and none may have a command.
 */
const NOT_FOR_THE_CLI: Record<string, string> = {
  'GET /health/live': LIVENESS,
  'GET /health': LIVENESS,
  'GET /health/ready': 'a readiness probe for the orchestrator and load balancer',
  'GET /openapi.json': 'the API’s machine-readable description, for code generators and the docs page',
  'GET /docs': 'an HTML page (Swagger UI) for browsers',
  'ANY /v1/proxy/{provider}/{path}': 'agents’ LLM calls, made by an LLM SDK pointed at the gateway with the agent’s tg_agt_ credential',
  'POST /v1/auth/refresh':
    'the CLI does it itself: any command refreshes an expired session with the stored refresh token (src/client.ts); ' +
    'the cookie form is the browser’s',
  'POST /v1/agents/{id}/handshake': AGENT_RUNTIME,
  'POST /v1/usage': AGENT_RUNTIME,
  'POST /v1/leases/{id}/release': AGENT_RUNTIME,
  'POST /v1/auth/passkeys/registration/options': PASSKEY_CEREMONY,
  'POST /v1/auth/passkeys/registration/verify': PASSKEY_CEREMONY,
  'POST /v1/auth/passkeys/authentication/options': PASSKEY_CEREMONY,
  'POST /v1/auth/passkeys/authentication/verify': PASSKEY_CEREMONY,
};

/** Areas being built right now, whose commands come with them: drop an entry once they do. */
const PENDING: Record<string, string> = {};

const METHODS = ['get', 'post', 'put', 'patch', 'delete'];

const pendingReason = (operation: string) =>
  Object.entries(PENDING).find(([prefix]) => {
    const path = operation.split(' ')[1];
    return path === prefix || path.startsWith(`${prefix}/`);
  })?.[1];

/** The exclusion `operation` falls under: its own entry, or its path's ANY entry. */
function exclusionOf(operation: string): string | undefined {
  const any = `ANY ${operation.split(' ')[1]}`;
  return operation in NOT_FOR_THE_CLI ? operation : any in NOT_FOR_THE_CLI ? any : undefined;
}

/** `tollgate token create` for its Command. */
function nameOf(cmd: Command): string {
  const names: string[] = [];
  for (let c: Command | null = cmd; c; c = c.parent) names.unshift(c.name());
  return names.join(' ');
}

/** Every command of the tree, depth first. */
function commandsOf(cmd: Command): Command[] {
  return [cmd, ...cmd.commands.flatMap(commandsOf)];
}

/** What the CLI covers: operation → the commands (or options of one) that declare it. */
function coverage(program: Command): Map<string, string[]> {
  const covered = new Map<string, string[]>();
  const add = (operation: string, by: string) => covered.set(operation, [...(covered.get(operation) ?? []), by]);
  for (const cmd of commandsOf(program)) {
    for (const operation of operationsOf(cmd)) add(operation, nameOf(cmd));
    for (const option of cmd.options) for (const operation of operationsOf(option)) add(operation, `${nameOf(cmd)} ${option.long}`);
  }
  return covered;
}

const program = () =>
  createProgram(() => {
    throw new Error('parity only reads the command tree; nothing runs');
  });

test('every REST operation of the OpenAPI document has a CLI command, or a reason it has none', async (t) => {
  const res = await stack.http.get('/openapi.json');
  t.is(res.status, 200);
  const paths = res.body.paths as Record<string, Record<string, unknown>>;
  const operations = Object.entries(paths).flatMap(([path, ops]) =>
    Object.keys(ops)
      .filter((method) => METHODS.includes(method))
      .map((method) => `${method.toUpperCase()} ${path}`),
  );
  t.true(operations.length > 50, 'the document has the whole API');
  const covered = coverage(program());

  const rows = operations.map((operation) => {
    const by = covered.get(operation);
    const excluded = exclusionOf(operation);
    const pending = pendingReason(operation);
    const where = by
      ? by.join(', ')
      : excluded
        ? `— not for the CLI: ${NOT_FOR_THE_CLI[excluded]}`
        : pending
          ? `— pending: ${pending}`
          : '✗ NO COMMAND';
    return { operation, where };
  });
  const width = Math.max(...rows.map((r) => r.operation.length));
  t.log(`CLI parity (${operations.length} operations):\n${rows.map((r) => `${r.operation.padEnd(width)}  ${r.where}`).join('\n')}`);

  const problems: Record<string, string[]> = {
    'operations without a CLI command: add one, declared with `calls`, or name it in NOT_FOR_THE_CLI with why': operations.filter(
      (op) => !covered.has(op) && !exclusionOf(op) && !pendingReason(op),
    ),
    'operations both excluded and covered: drop them from NOT_FOR_THE_CLI': operations.filter((op) => covered.has(op) && exclusionOf(op)),
    'exclusions that name no operation of the document': Object.keys(NOT_FOR_THE_CLI).filter(
      (entry) => !operations.some((op) => exclusionOf(op) === entry),
    ),
    'operations commands declare that the document does not have': [...covered.keys()].filter((op) => !operations.includes(op)),
  };
  // One comparison, so that a failure lists every problem at once.
  t.deepEqual(problems, Object.fromEntries(Object.keys(problems).map((problem) => [problem, []])));
});

test('every command that does something declares the REST operations it performs', (t) => {
  const silent = commandsOf(program())
    .filter((cmd) => cmd.commands.length === 0 && cmd.parent && operationsOf(cmd).length === 0)
    .map(nameOf);
  t.deepEqual(silent, [], 'commands with no `calls` declaration');
});
