import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import test from 'ava';
import { SCOPES } from '@tollgate/platform';
import { startStack, type Stack } from '../support/stack.js';
import { loginAsAdmin } from '../support/session.js';
import { testEnv } from '../support/env.js';

// The REST API against its own OpenAPI document, fuzzed by schemathesis with every check on:
// no server error, no answer outside the document, nothing the document forbids accepted,
// nothing it allows refused. Two bounded passes — without credentials and with an admin's
// API token — against the whole mesh, with limits high enough that the fuzzer is not just
// rate-limited. The provider proxy passes bodies through unvalidated, so it is left out.
const ROOT = path.resolve(import.meta.dirname, '../..');
const ST = testEnv.schemathesisBin ?? path.join(ROOT, '.tools/venv/bin/st');
const EXAMPLES_PER_OPERATION = 15;
const HIGH = '1000000';

let stack: Stack;
let dir: string;
test.before(async () => {
  stack = await startStack({
    env: {
      gateway: {
        RATE_LIMIT_GLOBAL_PER_SEC: HIGH,
        RATE_LIMIT_IP_PER_MIN: HIGH,
        RATE_LIMIT_PRINCIPAL_PER_MIN: HIGH,
        RATE_LIMIT_TOKEN_PER_MIN: HIGH,
        LOGIN_FAILURES_PER_WINDOW: '1000',
        LOGIN_ATTEMPTS_PER_IP_PER_WINDOW: '10000',
        LOGIN_ACCOUNT_FAILURES_PER_HOUR: '100000',
        // As shipped: provider base URLs are https only. (With private addresses allowed, http is
        // taken for those alone, a rule of the address that the document's pattern cannot state.)
        OUTBOUND_ALLOW_PRIVATE: 'false',
      },
      'provider-key': { OUTBOUND_ALLOW_PRIVATE: 'false' },
      identity: { ARGON2_MEMORY_KIB: '1024', LOCKOUT_THRESHOLD: '1000' },
    },
  });
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tollgate-contract-'));
  fs.writeFileSync(path.join(dir, 'openapi.json'), (await stack.http.get('/openapi.json')).text);
  fs.writeFileSync(path.join(dir, 'ca.pem'), stack.ca ?? '');
  // A list cursor is opaque: only one the list returned is valid (any other is 400), which no
  // schema can describe — the fuzzer starts lists from the top instead of inventing cursors.
  fs.writeFileSync(path.join(dir, 'schemathesis.toml'), '[parameters]\n"query.cursor" = ""\n');
});
test.after.always(async () => {
  await stack?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

interface Pass {
  code: number;
  output: string;
  generated: number;
  failures: number;
}

function schemathesis(headers: string[]): Promise<Pass> {
  const args = [
    'run',
    path.join(dir, 'openapi.json'),
    '--url',
    stack.url,
    `--tls-verify=${path.join(dir, 'ca.pem')}`,
    '--checks',
    'all',
    '--max-examples',
    String(EXAMPLES_PER_OPERATION),
    '--phases',
    'examples,coverage,fuzzing',
    '--exclude-path-regex',
    '^/v1/proxy/',
    '--seed',
    '1',
    '--no-color',
    ...headers.flatMap((h) => ['-H', h]),
  ];
  return new Promise((resolve, reject) => {
    const child = spawn(ST, args, { cwd: dir, env: { ...process.env, SCHEMATHESIS_HOOKS: '' } });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const summary = /(\d+) generated, (?:(\d+) found )?/.exec(output);
      const failures = /(\d+) failures?,/.exec(output);
      resolve({ code: code ?? 1, output, generated: Number(summary?.[1] ?? 0), failures: Number(failures?.[1] ?? (code === 0 ? 0 : 1)) });
    });
  });
}

const scoreboard: string[] = [];
test.after.always(() => {
  if (scoreboard.length > 0) process.stdout.write(`\ncontract suite scoreboard (schemathesis, --checks all)\n${scoreboard.join('\n')}\n`);
});

function failuresOf(output: string): string {
  const start = output.indexOf('FAILURES');
  return start < 0 ? output.slice(-4_000) : output.slice(start, start + 12_000);
}

test.serial('without credentials, every operation answers as its document says', async (t) => {
  const pass = await schemathesis([]);
  scoreboard.push(`  unauthenticated: ${pass.generated} cases, ${pass.failures} failures`);
  t.true(pass.generated > 100, `cases were generated (${pass.generated})`);
  t.is(pass.code, 0, failuresOf(pass.output));
});

test.serial('with an admin API token, every operation answers as its document says', async (t) => {
  const admin = await loginAsAdmin(stack);
  const pat = await stack.http.post('/v1/tokens', { token: admin.access_token, json: { name: 'contract', scopes: [...SCOPES] } });
  if (pat.status !== 201) throw new Error(`token: ${pat.status} ${pat.text}`);
  const pass = await schemathesis([`Authorization: Bearer ${pat.body.token}`]);
  scoreboard.push(`  admin API token: ${pass.generated} cases, ${pass.failures} failures`);
  t.true(pass.generated > 100, `cases were generated (${pass.generated})`);
  t.is(pass.code, 0, failuresOf(pass.output));
});
