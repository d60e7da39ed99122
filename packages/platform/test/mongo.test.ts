import { randomBytes } from 'node:crypto';
import test from 'ava';
import { createLogger } from '../src/logger.js';
import { connectMongo } from '../src/mongo.js';
import { testEnv } from '../../../test/support/env.js';

test('every service connection writes with majority and journal, and reads majority', async (t) => {
  const conn = await connectMongo(testEnv.mongoUrl, `t${randomBytes(5).toString('hex')}`, createLogger('mongo-test', 'silent'));
  t.teardown(() => conn.close());
  const { writeConcern, readConcern } = conn.getClient().options;
  t.like(writeConcern, { w: 'majority', journal: true });
  t.is(readConcern.level, 'majority');
  // And the server takes them.
  await conn.db!.collection('probe').insertOne({ _id: 'x' } as never);
  t.is((await conn.db!.collection('probe').findOne({ _id: 'x' } as never))?._id, 'x' as never);
});
