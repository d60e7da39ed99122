import test from 'ava';
import * as grpc from '@grpc/grpc-js';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError, type Principal } from '@tollgate/platform';
import { loadToken } from '@tollgate/proto';
import { parseToken } from '../src/domain/token-format.js';
import { as, budget, gateway, startTokenStack, type TokenHarness } from './harness.js';

let h: TokenHarness;
let member: Principal;

test.before(async () => {
  h = await startTokenStack();
  member = await h.user('member');
});

test.after.always(async () => {
  await h?.close();
});

test('when a user creates a token, then the full token is returned once and get/list never show it', async (t) => {
  const created = await h.token.CreateToken(
    { name: ' ci deploy ', description: 'for CI', scopes: ['budgets:read', 'agents:read'], expires_in_days: 30 },
    as(member),
  );
  const parsed = parseToken(created.secret);
  t.truthy(parsed);
  t.is(parsed?.kind, 'personal');
  t.is(parsed?.id, created.token!.id);
  t.like(created.token, {
    kind: 'personal',
    owner_id: member.id,
    agent_id: '',
    name: 'ci deploy',
    description: 'for CI',
    status: 'active',
    last_used_at: '',
  });
  t.deepEqual(created.token!.scopes, ['agents:read', 'budgets:read']);
  t.is(created.token!.prefix, `tg_pat_${created.token!.id}`);
  const days = (Date.parse(created.token!.expires_at) - Date.parse(created.token!.created_at)) / 86_400_000;
  t.is(days, 30);

  const got = await h.token.GetToken({ id: created.token!.id }, as(member));
  const listed = await h.token.ListTokens({ page: { limit: 100 } }, as(member));
  t.deepEqual(got, created.token);
  t.true(listed.items.some((i) => i.id === created.token!.id));
  const secretPart = parsed!.secret;
  for (const body of [JSON.stringify(got), JSON.stringify(listed)]) {
    t.false(body.includes(secretPart));
    t.false(body.includes(created.secret));
  }

  const audit = await h.audit('token.created', created.token!.id);
  t.like(audit[0], { actor: { type: 'user', id: member.id }, resource: { type: 'token', id: created.token!.id } });
  t.like(audit[0].details, { kind: 'personal', owner_id: member.id });
  t.false(audit[0].raw.includes(secretPart));
});

test('when no expiry is given, then the default of 90 days applies; out-of-range expiries are rejected', async (t) => {
  const created = await h.issue(member);
  t.is((Date.parse(created.token!.expires_at) - Date.parse(created.token!.created_at)) / 86_400_000, 90);
  for (const expires_in_days of [367, -1]) {
    const err = await t.throwsAsync(h.issue(member, ['tokens:read'], { expires_in_days }), { instanceOf: ValidationError });
    t.truthy(err?.details?.expires_in_days);
  }
  t.is((await h.issue(member, ['tokens:read'], { expires_in_days: 366 })).token!.status, 'active');
});

test('when a non-admin asks for a token that never expires, then it is refused; an admin gets one', async (t) => {
  await t.throwsAsync(h.issue(member, ['tokens:read'], { never_expires: true }), { instanceOf: ForbiddenError });
  const forever = await h.issue(h.admin, ['audit:read'], { never_expires: true });
  t.is(forever.token!.expires_at, '');
});

test('when a token asks for scopes beyond the caller role, then it is a 403 naming them; unknown scopes are a 400', async (t) => {
  const viewer = await h.user('viewer');
  const err = await t.throwsAsync(h.issue(viewer, ['agents:read', 'keys:write', 'audit:read']), { instanceOf: ForbiddenError });
  t.is(err?.code, 'forbidden');
  t.deepEqual(err?.details?.scopes, ['keys:write', 'audit:read']);

  const unknown = await t.throwsAsync(h.issue(member, ['tokens:read', 'root', 'keys:*']), { instanceOf: ValidationError });
  t.regex(unknown.message, /root/);
  t.regex(String(unknown?.details?.scopes), /keys:\*/);
  await t.throwsAsync(h.issue(member, []), { instanceOf: ValidationError });
});

test('when a token updates scopes, then it can narrow but never widen beyond the role or itself', async (t) => {
  const created = await h.issue(member, ['agents:read', 'budgets:read']);
  const id = created.token!.id;

  const widened = await t.throwsAsync(h.token.UpdateToken({ id, scopes: ['keys:write'], set_scopes: true }, as(member)), {
    instanceOf: ForbiddenError,
  });
  t.deepEqual(widened?.details?.scopes, ['keys:write']);

  const renamed = await h.token.UpdateToken({ id, name: 'renamed' }, as(member));
  t.is(renamed.name, 'renamed');
  t.deepEqual(renamed.scopes, ['agents:read', 'budgets:read'], 'scopes stay when set_scopes is false');

  const narrowed = await h.token.UpdateToken({ id, scopes: ['budgets:read'], set_scopes: true }, as(member));
  t.deepEqual(narrowed.scopes, ['budgets:read']);
  const audit = await h.audit('token.updated', id, 2);
  t.true(audit.some((e) => (e.details.changed as string[]).includes('scopes')));

  // A token holding tokens:write cannot mint a token with more than it holds itself.
  const writer = await h.issue(member, ['tokens:write', 'agents:read']);
  const asToken = await h.tokenPrincipal(writer.secret);
  const beyond = await t.throwsAsync(h.token.CreateToken({ name: 'x', description: '', scopes: ['budgets:write'] }, as(asToken)), {
    instanceOf: ForbiddenError,
  });
  t.is(beyond?.code, 'insufficient_scope');
  const child = await h.token.CreateToken({ name: 'child', description: '', scopes: ['agents:read'] }, as(asToken));
  t.is(child.token!.owner_id, member.id);
});

test('when a token without tokens:write manages tokens, then it is refused with insufficient_scope', async (t) => {
  const reader = await h.issue(member, ['tokens:read']);
  const asToken = await h.tokenPrincipal(reader.secret);
  const err = await t.throwsAsync(h.token.CreateToken({ name: 'x', description: '', scopes: ['tokens:read'] }, as(asToken)), {
    instanceOf: ForbiddenError,
  });
  t.is(err?.code, 'insufficient_scope');
  await t.throwsAsync(h.token.RevokeToken({ id: reader.token!.id }, as(asToken)), { instanceOf: ForbiddenError });
  t.is((await h.token.GetToken({ id: reader.token!.id }, as(asToken))).id, reader.token!.id);
});

test("when someone else's token is read, changed or revoked, then it is not found; an admin can", async (t) => {
  const other = await h.user('member');
  const mine = await h.issue(member);
  const id = mine.token!.id;
  await t.throwsAsync(h.token.GetToken({ id }, as(other)), { instanceOf: NotFoundError });
  await t.throwsAsync(h.token.UpdateToken({ id, name: 'stolen' }, as(other)), { instanceOf: NotFoundError });
  await t.throwsAsync(h.token.RevokeToken({ id }, as(other)), { instanceOf: NotFoundError });
  await t.throwsAsync(h.token.RotateToken({ id, grace_seconds: 0 }, as(other)), { instanceOf: NotFoundError });
  await t.throwsAsync(h.token.GetToken({ id: 'not-an-id' }, as(member)), { instanceOf: NotFoundError });

  await t.throwsAsync(h.token.ListTokens({ owner_id: member.id }, as(other)), { instanceOf: ForbiddenError });
  const theirs = await h.token.ListTokens({ owner_id: member.id, page: { limit: 100 } }, as(h.admin));
  t.true(theirs.items.some((i) => i.id === id));
  t.true(theirs.items.every((i) => i.owner_id === member.id));
  t.is((await h.token.GetToken({ id }, as(h.admin))).id, id);
  t.false((await h.token.ListTokens({ page: { limit: 100 } }, as(other))).items.some((i) => i.id === id));
});

test('when tokens are listed, then pages are newest first, cursors continue and status filters apply', async (t) => {
  const owner = await h.user('member');
  const ids: string[] = [];
  for (let i = 0; i < 5; i++) ids.push((await h.issue(owner)).token!.id);
  await h.token.RevokeToken({ id: ids[1] }, as(owner));

  const seen: string[] = [];
  let cursor = '';
  do {
    const page = await h.token.ListTokens({ page: { limit: 2, cursor } }, as(owner));
    t.true(page.items.length <= 2);
    seen.push(...page.items.map((i) => i.id));
    cursor = page.next_cursor;
  } while (cursor);
  t.deepEqual(seen, [...ids].reverse());

  const active = await h.token.ListTokens({ status: 'active', page: { limit: 100 } }, as(owner));
  const revoked = await h.token.ListTokens({ status: 'revoked', page: { limit: 100 } }, as(owner));
  t.is(active.items.length, 4);
  t.deepEqual(
    revoked.items.map((i) => i.id),
    [ids[1]],
  );
  t.is((await h.token.ListTokens({ status: 'expired' }, as(owner))).items.length, 0);
  await t.throwsAsync(h.token.ListTokens({ status: 'everything' }, as(owner)), { instanceOf: ValidationError });
  await t.throwsAsync(h.token.ListTokens({ page: { limit: 2, cursor: 'garbage' } }, as(owner)), { instanceOf: ValidationError });
});

test('when a token is revoked, then it is inactive at once, revoking again is a no-op, and it cannot be changed', async (t) => {
  const created = await h.issue(member);
  const id = created.token!.id;
  t.true((await h.token.Introspect({ token: created.secret }, as(gateway))).active);
  await h.token.RevokeToken({ id }, as(member));
  t.deepEqual(await h.token.Introspect({ token: created.secret }, as(gateway)), {
    active: false,
    id: '',
    kind: '',
    owner_id: '',
    agent_id: '',
    scopes: [],
    expires_at: '',
    owner_role: '',
  });
  await h.token.RevokeToken({ id }, as(member));
  t.is((await h.token.GetToken({ id }, as(member))).status, 'revoked');
  await t.throwsAsync(h.token.UpdateToken({ id, name: 'back' }, as(member)), { instanceOf: ConflictError });
  await t.throwsAsync(h.token.RotateToken({ id, grace_seconds: 0 }, as(member)), { instanceOf: ConflictError });
  const audit = await h.audit('token.revoked', id);
  t.is(audit.length, 1);
  t.like(audit[0], { actor: { type: 'user', id: member.id } });
});

test('when many tokens are introspected at once, then each answer is in the order asked, and more than 1,000 are refused', async (t) => {
  const live = await h.issue(member);
  const revoked = await h.issue(member);
  await h.token.RevokeToken({ id: revoked.token!.id }, as(member));
  const many = await h.token.IntrospectMany({ tokens: [revoked.secret, live.secret, 'tg_pat_garbage', live.secret] }, as(gateway));
  t.deepEqual(
    many.results.map((r) => (r.active ? r.id : null)),
    [null, live.token!.id, null, live.token!.id],
  );
  t.like(many.results[1], { kind: 'personal', owner_id: member.id, owner_role: 'member' });
  t.deepEqual(many.results[1], await h.token.Introspect({ token: live.secret }, as(gateway)), 'the same answer as Introspect');
  t.deepEqual((await h.token.IntrospectMany({ tokens: [] }, as(gateway))).results, []);
  await t.throwsAsync(h.token.IntrospectMany({ tokens: Array.from({ length: 1_001 }, () => live.secret) }, as(gateway)), {
    instanceOf: ValidationError,
  });
});

test('when the budget service mints an agent token, then it is an agent credential with agent scopes; nobody else may', async (t) => {
  const created = await h.token.CreateAgentToken({ agent_id: 'agent-1', owner_id: member.id, name: '', scopes: [] }, as(budget));
  t.true(created.secret.startsWith('tg_agt_'));
  t.like(created.token, { kind: 'agent', agent_id: 'agent-1', owner_id: member.id, expires_at: '' });
  t.deepEqual(created.token!.scopes, ['budgets:read', 'usage:write', 'proxy:invoke']);

  const seen = await h.token.Introspect({ token: created.secret }, as(gateway));
  t.like(seen, { active: true, kind: 'agent', agent_id: 'agent-1', owner_id: member.id, owner_role: 'member' });

  await t.throwsAsync(h.token.CreateAgentToken({ agent_id: 'a', owner_id: member.id, name: '', scopes: [] }, as(member)), {
    instanceOf: ForbiddenError,
  });
  await t.throwsAsync(h.token.CreateAgentToken({ agent_id: 'a', owner_id: member.id, name: '', scopes: [] }, as(gateway)), {
    instanceOf: ForbiddenError,
  });
  await t.throwsAsync(h.token.CreateAgentToken({ agent_id: '', owner_id: member.id, name: '', scopes: [] }, as(budget)), {
    instanceOf: ValidationError,
  });

  // The agent's creation failed further on: the budget service takes the credential back.
  await h.token.RevokeToken({ id: created.token!.id }, as(budget));
  t.false((await h.token.Introspect({ token: created.secret }, as(gateway))).active);
});

test('when agents or unknown services manage personal tokens, then they are refused', async (t) => {
  const agent: Principal = { type: 'agent', id: 'agent-9', ownerId: member.id, scopes: ['usage:write'] };
  await t.throwsAsync(h.token.CreateToken({ name: 'x', description: '', scopes: ['usage:write'] }, as(agent)), {
    instanceOf: ForbiddenError,
  });
  await t.throwsAsync(h.token.ListTokens({}, as(gateway)), { instanceOf: ForbiddenError });
  const mine = await h.issue(member);
  await t.throwsAsync(h.token.RevokeToken({ id: mine.token!.id }, as(budget)), { instanceOf: NotFoundError });
});

test('when a bare or forged gRPC call arrives, then it is UNAUTHENTICATED', async (t) => {
  const { Token } = loadToken();
  const raw = new Token(h.stack.addrs.token, grpc.credentials.createInsecure());
  const call = (md: grpc.Metadata) =>
    new Promise<grpc.ServiceError>((resolve) => {
      raw.Introspect({ token: 'tg_pat_x' }, md, { deadline: Date.now() + 3_000 }, (err) => resolve(err!));
    });
  const bare = await call(new grpc.Metadata());
  t.is(bare.code, grpc.status.UNAUTHENTICATED);
  const forged = new grpc.Metadata();
  forged.set('x-tollgate-assertion', 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4IiwicHQiOiJzZXJ2aWNlIn0.bad');
  t.is((await call(forged)).code, grpc.status.UNAUTHENTICATED);
  raw.close();
});
