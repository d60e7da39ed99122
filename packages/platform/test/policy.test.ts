import test from 'ava';
import { AppError } from '../src/errors.js';
import { ANY_CALLER, assertCaller, callerKinds, describeCallers, isPerson, personOf, type Callers } from '../src/auth/policy.js';
import type { Principal } from '../src/auth/principal.js';
import { RPC_CALLERS } from '../src/rpc-callers.js';

const user = (role: Principal['role']): Principal => ({ type: 'user', id: 'u1', role, sessionId: 's1' });
const token = (role: Principal['role'], scopes: Principal['scopes']): Principal => ({
  type: 'token',
  id: 'u1',
  role,
  scopes,
  tokenId: 't1',
});
const agent = (scopes: Principal['scopes'] = ['proxy:invoke', 'usage:write', 'budgets:read']): Principal => ({
  type: 'agent',
  id: 'agt_1',
  scopes,
  ownerId: 'u1',
});
const service = (id: string): Principal => ({ type: 'service', id });

const codeOf = (fn: () => void): string => {
  try {
    fn();
    return 'allowed';
  } catch (err) {
    return err instanceof AppError ? err.code : 'thrown';
  }
};
const verdict = (callers: Callers, p: Principal) => codeOf(() => assertCaller(callers, p));

test('a person passes with the role and, for a token, the scope; a token is told which scope it lacks', (t) => {
  const managers: Callers = { people: { role: 'manager', scope: 'keys:read' } };
  t.is(verdict(managers, user('manager')), 'allowed');
  t.is(verdict(managers, user('admin')), 'allowed');
  t.is(verdict(managers, user('member')), 'forbidden');
  t.is(verdict(managers, token('admin', ['keys:read'])), 'allowed');
  t.is(verdict(managers, token('admin', ['tokens:read'])), 'insufficient_scope');
  t.is(verdict(managers, token('viewer', ['keys:read'])), 'forbidden');
  t.is(verdict(managers, token(undefined, ['keys:read'])), 'forbidden', 'a token without a role is nobody');
  const err = t.throws(() => assertCaller({ people: { role: 'admin', scope: 'audit:read' } }, token('admin', [])));
  t.deepEqual((err as AppError).details, { required_scope: 'audit:read' });
});

test('sessions-only RPCs refuse API tokens, however powerful', (t) => {
  const sessions: Callers = { people: { role: 'viewer', sessionsOnly: true } };
  t.is(verdict(sessions, user('viewer')), 'allowed');
  t.is(verdict(sessions, token('admin', ['users:write', 'tokens:write'])), 'forbidden');
  t.deepEqual(callerKinds(sessions), ['user']);
});

test('agents pass only where declared, with the scope named; services only where declared, by name when named', (t) => {
  const readers: Callers = { people: { role: 'viewer', scope: 'budgets:read' }, agents: { scope: 'budgets:read' }, services: ['gateway'] };
  t.is(verdict(readers, agent()), 'allowed');
  t.is(verdict(readers, agent(['proxy:invoke'])), 'insufficient_scope');
  t.is(verdict(readers, service('gateway')), 'allowed');
  t.is(verdict(readers, service('budget')), 'forbidden');
  t.is(verdict({ people: { role: 'viewer' } }, agent()), 'forbidden');
  t.is(verdict({ people: { role: 'viewer' } }, service('gateway')), 'forbidden');
  t.is(verdict({ services: 'any' }, user('admin')), 'forbidden');
  for (const p of [user('viewer'), token('viewer', []), agent([]), service('audit')]) t.is(verdict(ANY_CALLER, p), 'allowed');
});

test('every RPC of the mesh declares its callers, and no RPC that decrypts keys or moves escrows is open to people or agents', (t) => {
  for (const [svc, rpcs] of Object.entries(RPC_CALLERS)) {
    for (const [rpc, callers] of Object.entries(rpcs)) t.true(callerKinds(callers).length > 0, `${svc}.${rpc}`);
  }
  for (const callers of [
    RPC_CALLERS['provider-key'].ResolveForProxy,
    RPC_CALLERS['provider-key'].IssueIpToken,
    RPC_CALLERS.budget.SyncEscrows,
    RPC_CALLERS.token.CreateAgentToken,
  ]) {
    t.deepEqual(callerKinds(callers), ['service']);
  }
});

test('the declaration reads as the API document says it', (t) => {
  t.is(
    describeCallers({ people: { role: 'manager', scope: 'keys:read' } }),
    'Callers: users and their API tokens of role manager or above (API-token scope `keys:read`).',
  );
  t.is(
    describeCallers({ people: { role: 'admin', sessionsOnly: true }, agents: { scope: 'budgets:read' } }),
    'Callers: user sessions of role admin; agents (scope `budgets:read`).',
  );
});

test('isPerson and personOf: agents and services are never people', (t) => {
  for (const p of [agent(), service('budget')]) {
    t.false(isPerson(p, 'viewer', 'budgets:read'));
    t.is(
      codeOf(() => personOf(p)),
      'forbidden',
    );
  }
  t.true(isPerson(user('admin'), 'manager', 'users:read'));
  t.false(isPerson(token('admin', ['users:read']), 'admin', 'users:write'));
  t.is(personOf(token('member', [])).role, 'member');
});
