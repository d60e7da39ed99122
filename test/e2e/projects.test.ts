import test from 'ava';
import type { Stack } from '../support/stack.js';
import { createUserAndLogin, type Session } from '../support/session.js';
import {
  addProviderKey,
  auditEventsOf,
  createAgent,
  patOf,
  people,
  startMoneyStack,
  type CreatedAgent,
  type People,
} from '../support/factories.js';

// Projects through the gateway: teams whose members see the project's agents, their spend and
// their budget requests, and nothing of other projects' (the IDOR cases), with their audit events.
let stack: Stack;
let p: People;

test.before(async () => {
  stack = await startMoneyStack();
  p = await people(stack);
  await addProviderKey(stack, p.admin, 'openai', 'sk-live-e2e-projects-key-0123456789abcdef');
});
test.after.always(() => stack?.close());

const createProject = async (who: Session, name = `team-${Math.random().toString(36).slice(2, 8)}`) => {
  const res = await stack.http.post('/v1/projects', { token: who.access_token, json: { name, description: 'the e2e team' } });
  if (res.status !== 201) throw new Error(`creating a project: ${res.status} ${res.text}`);
  return res.body as { id: string; name: string; your_role: string | null };
};
const setMember = (who: Session, projectId: string, userId: string, role: string) =>
  stack.http.put(`/v1/projects/${projectId}/members/${userId}`, { token: who.access_token, json: { role } });
const ids = (items: { id: string }[]) => items.map((i) => i.id);
const auditOf = (action: string, resourceId: string, count = 1) => auditEventsOf(stack, p.admin, action, resourceId, count);

/** Charges `usd` to the agent through a lease, as an agent runtime does. */
async function spend(agent: CreatedAgent, usd: number) {
  const lease = await stack.http.post(`/v1/agents/${agent.id}/handshake`, {
    token: agent.token,
    json: { provider: 'openai', requested_usd: usd },
  });
  if (lease.status !== 200) throw new Error(`handshake: ${lease.text}`);
  const report = {
    lease_id: lease.body.lease_id,
    request_id: `r-${Math.random()}`,
    provider: 'openai',
    model: 'gpt-4o',
    input_tokens: 1,
    output_tokens: 1,
    cost_usd: usd,
  };
  const charged = await stack.http.post('/v1/usage', { token: agent.token, json: report });
  if (charged.status !== 200) throw new Error(`usage: ${charged.text}`);
  await stack.http.post(`/v1/leases/${lease.body.lease_id}/release`, { token: agent.token });
}

test('a manager creates a project and owns it; members and viewers are added, changed and removed, each audited', async (t) => {
  const project = await createProject(p.manager, 'platform team');
  t.like(project, { name: 'platform team', your_role: 'owner' });
  t.regex(project.id, /^prj_/);
  const [created] = await auditOf('project.created', project.id);
  t.is(created.actor.id, p.manager.user.id);

  const added = await setMember(p.manager, project.id, p.member.user.id, 'member');
  t.is(added.status, 200);
  t.like(added.body, { project_id: project.id, user_id: p.member.user.id, role: 'member', added_by: p.manager.user.id });
  t.is((await setMember(p.manager, project.id, p.viewer.user.id, 'viewer')).status, 200);
  t.is((await setMember(p.manager, project.id, p.member.user.id, 'owner')).body.role, 'owner');
  const members = await stack.http.get(`/v1/projects/${project.id}/members`, { token: p.viewer.access_token });
  t.is(members.status, 200);
  t.deepEqual(
    members.body.items.map((m: { user_id: string; role: string }) => [m.user_id, m.role]),
    [
      [p.manager.user.id, 'owner'],
      [p.member.user.id, 'owner'],
      [p.viewer.user.id, 'viewer'],
    ].sort((a, b) => (a[0] < b[0] ? -1 : 1)),
  );
  const changed = await auditOf('project.member.set', project.id, 3);
  t.true(changed.some((e) => e.details.user_id === p.member.user.id && e.details.previous_role === 'member' && e.details.role === 'owner'));

  // A member made owner manages it: renames it and removes the viewer.
  const renamed = await stack.http.patch(`/v1/projects/${project.id}`, { token: p.member.access_token, json: { name: 'platform' } });
  t.is(renamed.status, 200);
  t.like(renamed.body, { name: 'platform', your_role: 'owner' });
  t.is((await stack.http.delete(`/v1/projects/${project.id}/members/${p.viewer.user.id}`, { token: p.member.access_token })).status, 204);
  t.is((await stack.http.delete(`/v1/projects/${project.id}/members/${p.viewer.user.id}`, { token: p.member.access_token })).status, 404);
  const [removed] = await auditOf('project.member.removed', project.id);
  t.like(removed.details, { user_id: p.viewer.user.id, role: 'viewer' });
  // Removed, the viewer no longer sees it.
  t.is((await stack.http.get(`/v1/projects/${project.id}`, { token: p.viewer.access_token })).status, 404);

  // Bad input changes nothing.
  t.is((await setMember(p.manager, project.id, p.viewer.user.id, 'boss')).status, 400);
  t.is((await setMember(p.manager, project.id, 'aaaaaaaaaaaaaaaaaaaaaaaa', 'member')).status, 404);
  t.is((await stack.http.post('/v1/projects', { token: p.manager.access_token, json: { name: '' } })).status, 400);
  t.is((await stack.http.post('/v1/projects', { token: p.manager.access_token, json: { name: { $gt: '' } } })).status, 400);
});

test('members and viewers cannot create projects; a member who is not an owner cannot change one (403)', async (t) => {
  for (const who of [p.member, p.viewer])
    t.is((await stack.http.post('/v1/projects', { token: who.access_token, json: { name: 'mine' } })).status, 403);
  const project = await createProject(p.manager);
  const member = await createUserAndLogin(stack, p.admin, 'member');
  await setMember(p.manager, project.id, member.user.id, 'member');
  t.is((await stack.http.patch(`/v1/projects/${project.id}`, { token: member.access_token, json: { name: 'taken' } })).status, 403);
  t.is((await setMember(member, project.id, member.user.id, 'owner')).status, 403);
  t.is((await stack.http.delete(`/v1/projects/${project.id}`, { token: member.access_token })).status, 403);
  t.is((await stack.http.get(`/v1/projects/${project.id}`, { token: p.manager.access_token })).body.name, project.name);
});

test('visibility follows membership: outsiders get 404 for the project, its agents, their budgets, requests and spend, and lists leave them out', async (t) => {
  const alpha = await createProject(p.manager);
  const beta = await createProject(p.manager2);
  const alice = await createUserAndLogin(stack, p.admin, 'member');
  const bob = await createUserAndLogin(stack, p.admin, 'member');
  const carol = await createUserAndLogin(stack, p.admin, 'viewer');
  await setMember(p.manager, alpha.id, alice.user.id, 'member');
  await setMember(p.manager, alpha.id, carol.user.id, 'viewer');
  await setMember(p.manager2, beta.id, bob.user.id, 'member');

  const inAlpha = await createAgent(stack, alice, 2, { project_id: alpha.id });
  t.is(inAlpha.body.agent && (inAlpha.body.agent as { project_id: string }).project_id, alpha.id);
  const inBeta = await createAgent(stack, bob, 2, { project_id: beta.id });
  const outside = await createAgent(stack, bob, 1);
  await spend(inAlpha, 0.25);
  await spend(inBeta, 0.5);
  const request = await stack.http.post('/v1/budget-requests', {
    token: bob.access_token,
    json: { agent_id: inBeta.id, requested_budget_usd: 5, justification: 'more' },
  });
  t.is(request.status, 201);

  // Carol (alpha's viewer) sees alpha and its agent, not beta's; she cannot add agents to alpha.
  t.is((await stack.http.get(`/v1/projects/${alpha.id}`, { token: carol.access_token })).body.your_role, 'viewer');
  t.deepEqual(ids((await stack.http.get('/v1/projects', { token: carol.access_token })).body.items), [alpha.id]);
  const theirs = await stack.http.get('/v1/agents?limit=100', { token: carol.access_token });
  t.true(ids(theirs.body.items).includes(inAlpha.id));
  t.true(ids(theirs.body.items).includes(outside.id), 'agents outside every project are seen as before');
  t.false(ids(theirs.body.items).includes(inBeta.id));
  t.is(
    (await stack.http.post('/v1/agents', { token: carol.access_token, json: { name: 'x', budget_usd: 1, project_id: alpha.id } })).status,
    403,
  );

  // Alice (alpha's member) against beta: every read is 404, every write too, nothing is created.
  const asAlice = { token: alice.access_token };
  for (const path of [
    `/v1/projects/${beta.id}`,
    `/v1/projects/${beta.id}/members`,
    `/v1/agents/${inBeta.id}`,
    `/v1/agents/${inBeta.id}/budget`,
    `/v1/agents/${inBeta.id}/budget/history`,
    `/v1/budget-requests/${request.body.id}`,
    `/v1/agents?project_id=${beta.id}`,
    `/v1/analytics/spend?group_by=agent&project_id=${beta.id}`,
  ])
    t.is((await stack.http.get(path, asAlice)).status, 404, path);
  t.is((await stack.http.post('/v1/agents', { ...asAlice, json: { name: 'x', budget_usd: 1, project_id: beta.id } })).status, 404);
  t.is((await stack.http.patch(`/v1/agents/${inBeta.id}`, { ...asAlice, json: { name: 'mine' } })).status, 404);
  t.is((await setMember(alice, beta.id, alice.user.id, 'owner')).status, 404);
  t.is((await stack.http.delete(`/v1/projects/${beta.id}`, asAlice)).status, 404);
  t.deepEqual(ids((await stack.http.get('/v1/projects', asAlice)).body.items), [alpha.id]);
  t.false(ids((await stack.http.get('/v1/budget-requests', asAlice)).body.items).includes(request.body.id));
  const spent = await stack.http.get('/v1/analytics/spend?group_by=agent', asAlice);
  const keys = spent.body.items.map((r: { key: string }) => r.key);
  t.true(keys.includes(inAlpha.id));
  t.false(keys.includes(inBeta.id));
  // Her personal API token sees what she sees.
  const pat = await patOf(stack, alice, ['agents:read', 'budgets:read']);
  t.is((await stack.http.get(`/v1/agents/${inBeta.id}`, { token: pat })).status, 404);
  t.is((await stack.http.get(`/v1/agents/${inAlpha.id}`, { token: pat })).status, 200);

  // A project's own agents and spend, for a member and for a manager who is not one.
  for (const who of [alice, p.manager2]) {
    const listed = await stack.http.get(`/v1/agents?project_id=${alpha.id}`, { token: who.access_token });
    t.deepEqual(ids(listed.body.items), [inAlpha.id]);
    const projectSpend = await stack.http.get(`/v1/analytics/spend?group_by=agent&project_id=${alpha.id}`, { token: who.access_token });
    t.deepEqual(
      projectSpend.body.items.map((r: { key: string; spent_usd: number }) => [r.key, r.spent_usd]),
      [[inAlpha.id, 0.25]],
    );
  }
  // Bob sees beta's request; managers see every project.
  t.is((await stack.http.get(`/v1/budget-requests/${request.body.id}`, { token: bob.access_token })).status, 200);
  const all = ids((await stack.http.get('/v1/projects?limit=100', { token: p.manager.access_token })).body.items);
  t.true(all.includes(alpha.id) && all.includes(beta.id));
  t.is((await stack.http.get(`/v1/projects/${beta.id}`, { token: p.manager.access_token })).body.your_role, null);
});

test('a project with agents is not deleted (409); once its agents are deleted it is, audited, and then 404', async (t) => {
  const project = await createProject(p.manager);
  const agent = await createAgent(stack, p.manager, 1, { project_id: project.id });
  const refused = await stack.http.delete(`/v1/projects/${project.id}`, { token: p.manager.access_token });
  t.is(refused.status, 409);
  t.is(refused.body.error.message, 'The project still has agents: delete them first');
  t.is((await stack.http.delete(`/v1/agents/${agent.id}`, { token: p.manager.access_token })).status, 204);
  t.is((await stack.http.delete(`/v1/projects/${project.id}`, { token: p.manager.access_token })).status, 204);
  await auditOf('project.deleted', project.id);
  t.is((await stack.http.get(`/v1/projects/${project.id}`, { token: p.manager.access_token })).status, 404);
  t.false(ids((await stack.http.get('/v1/projects?limit=100', { token: p.admin.access_token })).body.items).includes(project.id));
  t.is(
    (await stack.http.post('/v1/agents', { token: p.manager.access_token, json: { name: 'late', budget_usd: 1, project_id: project.id } }))
      .status,
    404,
  );
});
