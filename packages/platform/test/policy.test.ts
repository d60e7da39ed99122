import test from 'ava';
import { AppError } from '../src/errors.js';
import { assertPerson, assertService, isPerson } from '../src/auth/policy.js';
import type { Principal } from '../src/auth/principal.js';

const user = (role: Principal['role']): Principal => ({ type: 'user', id: 'u1', role, sessionId: 's1' });
const token = (role: Principal['role'], scopes: Principal['scopes']): Principal => ({ type: 'token', id: 'u1', role, scopes, tokenId: 't1' });
const agent: Principal = { type: 'agent', id: 'agt_1', scopes: ['proxy:invoke', 'usage:write', 'budgets:read'], ownerId: 'u1' };
const service = (id: string): Principal => ({ type: 'service', id });

const codeOf = (fn: () => void): string => {
  try {
    fn();
    return 'allowed';
  } catch (err) {
    return err instanceof AppError ? err.code : 'thrown';
  }
};

test('a person passes with the role and, for a token, the scope; a token is told which scope it lacks', (t) => {
  t.is(codeOf(() => assertPerson(user('manager'), 'manager', 'keys:read')), 'allowed');
  t.is(codeOf(() => assertPerson(user('member'), 'manager', 'keys:read')), 'forbidden');
  t.is(codeOf(() => assertPerson(token('admin', ['keys:read']), 'manager', 'keys:read')), 'allowed');
  t.is(codeOf(() => assertPerson(token('admin', ['tokens:read']), 'manager', 'keys:read')), 'insufficient_scope');
  t.is(codeOf(() => assertPerson(token('viewer', ['keys:read']), 'manager', 'keys:read')), 'forbidden');
  t.is(codeOf(() => assertPerson(token(undefined, ['tokens:read']), 'viewer', 'tokens:read')), 'forbidden', 'a token without a role is nobody');
  try {
    assertPerson(token('admin', []), 'admin', 'audit:read');
  } catch (err) {
    t.deepEqual((err as AppError).details, { required_scope: 'audit:read' });
  }
});

test('agents and services are never people; isPerson says the same without throwing', (t) => {
  for (const p of [agent, service('gateway')]) {
    t.is(codeOf(() => assertPerson(p, 'viewer', 'budgets:read')), 'forbidden');
    t.false(isPerson(p, 'viewer', 'budgets:read'));
  }
  t.true(isPerson(user('admin'), 'manager', 'users:read'));
  t.false(isPerson(token('admin', ['users:read']), 'admin', 'users:write'));
});

test('only services pass assertService, and only the named one when a name is given', (t) => {
  t.is(codeOf(() => assertService(service('budget'))), 'allowed');
  t.is(codeOf(() => assertService(service('gateway'), 'gateway')), 'allowed');
  t.is(codeOf(() => assertService(service('budget'), 'gateway')), 'forbidden');
  for (const p of [user('admin'), token('admin', ['keys:write']), agent]) t.is(codeOf(() => assertService(p)), 'forbidden');
});
