import fs from 'node:fs';
import path from 'node:path';
import test from 'ava';
import { describeApi } from '@tollgate/gateway';
import { startStack, type Stack } from '../support/stack.js';

// docs/api.md's table of operations says what the OpenAPI document says, row for row.
let stack: Stack;
test.before(async () => {
  stack = await startStack({ services: [] });
});
test.after.always(() => stack?.close());

interface Operation {
  tags: string[];
  summary: string;
  description?: string;
}

/** One table row per operation, as docs/api.md writes it. */
export function rowOf(method: string, route: string, op: Operation): string {
  const callers = /Callers: ([^.]*)\./.exec(op.description ?? '')?.[1] ?? 'anyone';
  return `| ${method.toUpperCase()} | \`${route}\` | ${callers} | ${op.summary} |`;
}

test('docs/api.md lists every operation of the OpenAPI document, with who may call it', async (t) => {
  const res = await stack.http.get('/openapi.json');
  t.is(res.status, 200);
  const paths = res.body.paths as Record<string, Record<string, Operation>>;
  const documented = Object.entries(paths).flatMap(([route, ops]) => Object.entries(ops).map(([method, op]) => rowOf(method, route, op)));
  const guide = fs.readFileSync(path.resolve(import.meta.dirname, '../../docs/api.md'), 'utf8');
  const rows = guide.split('\n').filter((line) => /^\| (GET|POST|PUT|PATCH|DELETE) \| `/.test(line));
  t.true(documented.length > 50, 'the document has the whole API');
  t.deepEqual(
    rows.filter((r) => !documented.includes(r)),
    [],
    'rows of the guide the document does not have',
  );
  t.deepEqual(
    documented.filter((r) => !rows.includes(r)),
    [],
    'operations the guide is missing or states differently',
  );
});

test("the document built without a server (describeApi, whence the console's API types) is the one /openapi.json serves", async (t) => {
  const res = await stack.http.get('/openapi.json');
  t.deepEqual(res.body, JSON.parse(JSON.stringify(describeApi(stack.env.gateway))));
});
