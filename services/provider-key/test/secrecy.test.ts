import test from 'ava';
import { Writable } from 'node:stream';
import type { Connection } from 'mongoose';
import { createLogger, type RunningService } from '@tollgate/platform';
import { loadConfig, start } from '../src/app.js';
import { startStack, type Stack } from '../../../test/support/stack.js';
import { admin, budgetService, dumpDatabase, gatewayService, manager, providerKeyClient, serviceDb } from './helpers.js';

// Distinctive values: their middles appear nowhere unless the key itself leaked.
const firstKey = 'sk-live-PLAINTEXTMARKERonexxxxxxxxxxxx1111';
const rotatedKey = 'sk-live-PLAINTEXTMARKERtwoxxxxxxxxxxxx2222';
const rejectedKey = 'sk live PLAINTEXTMARKERbad 3333';
const MARKER = 'PLAINTEXTMARKER';

let stack: Stack;
let service: RunningService;
let db: Connection;
const logLines: string[] = [];

test.before(async () => {
  stack = await startStack({ services: [], gateway: false });
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      logLines.push(chunk.toString('utf8'));
      done();
    },
  });
  service = await start(loadConfig({ ...stack.env['provider-key'], LOG_LEVEL: 'trace' }), createLogger('provider-key', 'trace', sink));
  db = await serviceDb(stack);
});

test.after.always(async () => {
  await db?.close();
  await service?.stop();
  await stack?.close();
});

test('when keys go through their whole life, then no plaintext key is in the database, the audit outbox or the logs', async (t) => {
  const client = providerKeyClient(stack);
  const pk = client.call;
  try {
    const key = await pk.CreateKey({ provider: 'openai', name: 'secret', api_key: firstKey }, { principal: admin });
    await pk.GetKey({ id: key.id }, { principal: manager });
    await pk.ListKeys({}, { principal: manager });
    await pk.UpdateKey({ id: key.id, name: 'renamed' }, { principal: admin });
    const issued = await pk.IssueIpToken({ agent_id: 'agt_s', provider: 'openai' }, { principal: budgetService });
    const resolved = await pk.ResolveForProxy({ agent_id: 'agt_s', provider: 'openai' }, { principal: gatewayService });
    t.is(resolved.api_key, firstKey);
    await pk.RotateKey({ id: key.id, api_key: rotatedKey }, { principal: admin });
    await t.throwsAsync(pk.CreateKey({ provider: 'openai', name: 'bad', api_key: rejectedKey }, { principal: admin }));
    await t.throwsAsync(pk.RotateKey({ id: key.id, api_key: rejectedKey }, { principal: admin }));
    await t.throwsAsync(pk.CreateKey({ provider: 'openai', name: 'denied', api_key: firstKey }, { principal: manager }));
    const second = await pk.CreateKey({ provider: 'anthropic', name: 'second', api_key: firstKey }, { principal: admin });
    await pk.DeleteKey({ id: second.id }, { principal: admin });

    const stored = await dumpDatabase(db);
    t.true(stored.includes('provider_keys'), 'the dump covers the key collection');
    t.true(stored.includes('provider_key.rotated'), 'the dump covers the audit outbox');
    t.false(stored.includes(MARKER), 'no plaintext key in any collection');
    t.false(stored.includes(Buffer.from(firstKey).toString('base64').slice(0, 24)), 'no base64 of a plaintext key');
    t.false(stored.includes(issued.ip_token), 'no IP token stored');

    const logs = logLines.join('');
    t.true(logLines.length > 0, 'logs were captured');
    t.true(logs.includes('provider-key serving gRPC'));
    t.false(logs.includes(MARKER), 'no plaintext key in the logs');
    t.false(logs.includes(issued.ip_token.slice(6, 40)), 'no IP token in the logs');
  } finally {
    client.close();
  }
});
