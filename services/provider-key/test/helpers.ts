import mongoose, { type Connection } from 'mongoose';
import { createServiceClient, type Principal } from '@tollgate/platform';
import { loadProviderKey } from '@tollgate/proto';
import type { ProviderKeyDefinition } from '@tollgate/proto/gen/tollgate/providerkey/v1/ProviderKey';
import { testEnv } from '../../../test/support/env.js';
import { startStack, type Stack } from '../../../test/support/stack.js';

export const admin: Principal = { type: 'user', id: 'usr_admin', role: 'admin' };
export const manager: Principal = { type: 'user', id: 'usr_manager', role: 'manager' };
export const member: Principal = { type: 'user', id: 'usr_member', role: 'member' };
export const budgetService: Principal = { type: 'service', id: 'budget' };
export const gatewayService: Principal = { type: 'service', id: 'gateway' };
export const agent: Principal = {
  type: 'agent',
  id: 'agt_1',
  ownerId: 'usr_member',
  scopes: ['usage:write', 'proxy:invoke', 'budgets:read'],
};

export function tokenOf(owner: Principal, scopes: Principal['scopes']): Principal {
  return { type: 'token', id: owner.id, role: owner.role, scopes, tokenId: `tok_${owner.id}` };
}

export function providerKeyClient(stack: Stack) {
  return createServiceClient(loadProviderKey().ProviderKey, stack.addrs['provider-key'], {
    issuer: 'test',
    secret: stack.secrets.SERVICE_TOKEN_SECRET,
  });
}

export type ProviderKeyClient = ReturnType<typeof providerKeyClient>['call'];
export type { ProviderKeyDefinition };

/** A direct connection to the service's own database, to look at what it stored. */
export async function serviceDb(stack: Stack): Promise<Connection> {
  return mongoose.createConnection(testEnv.mongoUrl, { dbName: stack.env['provider-key'].MONGO_DB }).asPromise();
}

/** Every document of every collection of a database, as JSON text. */
export async function dumpDatabase(db: Connection): Promise<string> {
  const out: string[] = [];
  for (const c of await db.db!.listCollections().toArray()) {
    const docs = await db.collection(c.name).find({}).toArray();
    out.push(JSON.stringify({ collection: c.name, docs }));
  }
  return out.join('\n');
}

export const openAiKey = (suffix = 'abcd') => `sk-proj-${'Zq7'.repeat(12)}${suffix}`;

/** The provider-key service alone (its audit events stay in its outbox), a client and its database. */
export async function startProviderKeyStack() {
  const stack = await startStack({ services: ['provider-key'], gateway: false });
  const client = providerKeyClient(stack);
  const db = await serviceDb(stack);
  return {
    stack,
    pk: client.call,
    db,
    close: async () => {
      client.close();
      await db.close();
      await stack.close();
    },
  };
}

export { codeOf } from '../../../test/support/errors.js';
export { outboxEvents, type OutboxEvent } from '../../../test/support/outbox.js';
