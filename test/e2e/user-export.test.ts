import test from 'ava';
import type { Stack } from '../support/stack.js';
import { errorOf } from '../support/errors.js';
import { auditEvents, type ApiAuditEvent } from '../support/identity-edge.js';
import { auditEventsOf, createAgent, patOf, people, startMoneyStack, type CreatedAgent, type People } from '../support/factories.js';

// GET /v1/users/{id}/export through the gateway and the whole mesh: everything Tollgate holds about a user, as one JSON download.
let stack: Stack;
let p: People;
let agent: CreatedAgent;
let otherAgent: CreatedAgent;
let pat: { id: string; secret: string };

test.before(async () => {
  stack = await startMoneyStack();
  p = await people(stack);
  const created = await stack.http.post('/v1/tokens', {
    token: p.member.access_token,
    json: { name: 'laptop-cli', scopes: ['tokens:read'] },
  });
  pat = { id: created.body.id, secret: created.body.token };
  agent = await createAgent(stack, p.member, 5);
  otherAgent = await createAgent(stack, p.member2, 5);
  // Someone else acts on the member's agent: the export names them, but not where they acted from.
  await stack.http.patch(`/v1/agents/${agent.id}`, { token: p.admin.access_token, json: { name: 'renamed-by-admin' } });
  await auditEventsOf(stack, p.admin, 'agent.created', agent.id);
  await auditEventsOf(stack, p.admin, 'agent.updated', agent.id);
});
test.after.always(() => stack?.close());

const exportOf = (userId: string, token?: string) => stack.http.get(`/v1/users/${userId}/export`, { token });

type ExportedEvent = ApiAuditEvent & { seq: number };

/** The exported agent: its profile as GET /v1/agents/{id} shows it, and its events by action. */
function exportedAgent(body: { agents: (Record<string, unknown> & { events: ExportedEvent[] })[] }, id: string) {
  const found = body.agents.find((a) => a.id === id);
  if (!found) throw new Error(`agent ${id} is not in the export`);
  const { events, ...profile } = found;
  return { profile, events, byAction: (action: string) => events.find((e) => e.action === action) };
}

test('GET /v1/users/{id}/export: when an admin exports a member, then 200 with a download of their profile, sessions, tokens (no secret), agents and events; audited user.exported', async (t) => {
  const member = p.member.user.id;
  const before = Date.now();
  const res = await exportOf(member, p.admin.access_token);
  t.is(res.status, 200, res.text);
  t.is(res.headers['content-disposition'], `attachment; filename="tollgate-user-${member}.json"`);
  t.regex(String(res.headers['content-type']), /^application\/json/);
  t.is(res.headers['cache-control'], 'no-store');
  t.deepEqual(Object.keys(res.body).sort(), ['agents', 'exported_at', 'sessions', 'tokens', 'truncated', 'user']);
  t.true(Date.parse(res.body.exported_at) >= before - 5 && Date.parse(res.body.exported_at) <= Date.now() + 5);
  t.false(res.body.truncated);

  t.deepEqual(res.body.user, (await stack.http.get(`/v1/users/${member}`, { token: p.admin.access_token })).body);
  const own = await stack.http.get('/v1/auth/sessions', { token: p.member.access_token });
  t.deepEqual(
    res.body.sessions.map((s: { id: string }) => s.id),
    own.body.items.map((s: { id: string }) => s.id),
  );
  t.true(
    res.body.sessions.every((s: { current: boolean }) => !s.current),
    'none is the admin’s',
  );

  const agentNow = (await stack.http.get(`/v1/agents/${agent.id}`, { token: p.admin.access_token })).body;
  const token = res.body.tokens.find((x: { name: string }) => x.name === 'laptop-cli');
  t.deepEqual(token, (await stack.http.get(`/v1/tokens/${pat.id}`, { token: p.member.access_token })).body);
  t.like(token, { kind: 'personal', owner_id: member, status: 'active' });
  t.true(
    res.body.tokens.some((x: { id: string; kind: string }) => x.id === agentNow.token_id && x.kind === 'agent'),
    'the agent’s credential, by its metadata',
  );
  t.false(res.text.includes(pat.secret), 'never a token’s secret');
  t.false(res.text.includes(agent.token), 'never an agent’s secret');

  t.deepEqual(
    res.body.agents.map((a: { id: string }) => a.id),
    [agent.id],
    'only the agents they own',
  );
  const exported = exportedAgent(res.body, agent.id);
  t.deepEqual(exported.profile, agentNow);
  t.like(exported.byAction('agent.created'), { actor: { type: 'user', id: member }, resource: { type: 'agent', id: agent.id } });
  t.truthy(exported.byAction('agent.created')?.ip, 'the user’s own IP is theirs');
  t.like(exported.byAction('agent.updated'), { actor: { type: 'user', id: p.admin.user.id }, ip: null, user_agent: null });
  t.deepEqual(
    exported.events.map((e) => e.seq),
    exported.events.map((e) => e.seq).sort((a, b) => b - a),
    'newest first',
  );
  t.false(res.text.includes(otherAgent.id), 'nobody else’s agent');

  const audited = await auditEvents(stack, p.admin.access_token, 'user.exported', (e) =>
    e.some((x) => x.resource.id === member && x.actor.id === p.admin.user.id),
  );
  t.like(
    audited.find((x) => x.resource.id === member && x.actor.id === p.admin.user.id),
    {
      actor: { type: 'user', id: p.admin.user.id },
      resource: { type: 'user', id: member },
      outcome: 'success',
      details: { sessions: res.body.sessions.length, tokens: res.body.tokens.length, agents: 1, truncated: false },
    },
  );
});

test('GET /v1/users/{id}/export: when a member exports themself, then 200 with this session marked and their agents’ events; audited as theirs', async (t) => {
  const member = p.member.user.id;
  const res = await exportOf(member, p.member.access_token);
  t.is(res.status, 200, res.text);
  t.is(res.headers['content-disposition'], `attachment; filename="tollgate-user-${member}.json"`);
  t.like(res.body.user, { id: member, email: p.member.user.email, role: 'member' });
  t.is(res.body.sessions.filter((s: { current: boolean }) => s.current).length, 1, 'the session asking');
  t.true(res.body.tokens.some((x: { id: string }) => x.id === pat.id));
  t.false(res.text.includes(pat.secret));
  const exported = exportedAgent(res.body, agent.id);
  t.like(exported.byAction('agent.created'), { actor: { id: member } });
  t.like(exported.byAction('agent.updated'), { actor: { id: p.admin.user.id }, ip: null, user_agent: null });
  t.false(res.body.truncated);

  const audited = await auditEvents(stack, p.admin.access_token, 'user.exported', (e) =>
    e.some((x) => x.resource.id === member && x.actor.id === member),
  );
  t.true(audited.some((x) => x.resource.id === member && x.actor.id === member));
});

test('GET /v1/users/{id}/export: when anyone else asks, then 403; an API token 403, no credentials 401; an unknown user 404 to an admin', async (t) => {
  const member = p.member.user.id;
  for (const other of [p.member2, p.manager, p.viewer]) {
    const res = await exportOf(member, other.access_token);
    t.is(res.status, 403, other.user.role);
    t.is(errorOf(res).code, 'forbidden');
  }
  t.is((await exportOf('usr_nobody', p.member2.access_token)).status, 403, 'no probing for ids');

  const ownToken = await patOf(stack, p.member, ['tokens:read', 'agents:read']);
  const byToken = await exportOf(member, ownToken);
  t.is(byToken.status, 403, 'an export is for people signed in');
  t.regex(errorOf(byToken).message, /user session/);

  const anonymous = await exportOf(member);
  t.is(anonymous.status, 401);
  t.is(errorOf(anonymous).code, 'unauthenticated');

  const unknown = await exportOf('usr_nobody', p.admin.access_token);
  t.is(unknown.status, 404);
  t.is(errorOf(unknown).code, 'not_found');
});
