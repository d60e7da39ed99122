/// <reference lib="dom" />
import test from 'ava';
import type { Browser, Page } from 'playwright-core';
import { freePort } from '@tollgate/devkit';
import { launchBrowser, pageWithAuthenticator } from '../support/browser.js';
import { errorOf } from '../support/errors.js';
import { newUser, PASSWORD } from '../support/factories.js';
import { auditEvents, edgeClient } from '../support/identity-edge.js';
import { waitForMail } from '../support/mailpit.js';
import { startStack, type Stack } from '../support/stack.js';

// Passkeys for real: Chromium with a virtual authenticator registers one through the gateway
// (its own origin, https://localhost:<port>) and signs in with it; identity verifies with
// @simplewebauthn/server, and the mails go through the test run's Mailpit.
let stack: Stack;
let browser: Browser;
let adminToken: string;
let origin: string;

test.before(async () => {
  const port = String(await freePort());
  origin = `https://localhost:${port}`;
  [stack, browser] = await Promise.all([
    startStack({
      services: ['audit', 'identity', 'token'],
      env: {
        gateway: { GATEWAY_PORT: port, TRUST_PROXY: 'loopback' },
        identity: { WEBAUTHN_RP_ID: 'localhost', WEBAUTHN_ORIGINS: origin, PUBLIC_URL: origin },
      },
    }),
    launchBrowser(),
  ]);
  const res = await edgeClient(stack, 'setup').post('/v1/auth/login', {
    json: { email: stack.secrets.BOOTSTRAP_ADMIN_EMAIL, password: stack.secrets.BOOTSTRAP_ADMIN_PASSWORD },
  });
  adminToken = res.body.access_token;
});
test.after.always(async () => {
  await browser?.close();
  await stack?.close();
});

interface Answer {
  status: number;
  body: Record<string, unknown>;
}

/** In the page: options from the gateway → navigator.credentials.create() → the new credential back to the gateway. */
function registerPasskey(page: Page, accessToken: string, name: string): Promise<Answer> {
  return page.evaluate(
    async ({ accessToken, name }) => {
      const auth = { authorization: `Bearer ${accessToken}` };
      const options = await (await fetch('/v1/auth/passkeys/registration/options', { method: 'POST', headers: auth })).json();
      const credential = (await navigator.credentials.create({
        publicKey: PublicKeyCredential.parseCreationOptionsFromJSON(options),
      })) as PublicKeyCredential;
      const res = await fetch('/v1/auth/passkeys/registration/verify', {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json' },
        body: JSON.stringify({ response: credential.toJSON(), name }),
      });
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    },
    { accessToken, name },
  );
}

/** In the page, signed out: options → navigator.credentials.get() (the authenticator picks its passkey) → sign in. */
function signInWithPasskey(page: Page): Promise<Answer & { credential: unknown }> {
  return page.evaluate(async () => {
    const options = await (await fetch('/v1/auth/passkeys/authentication/options', { method: 'POST' })).json();
    const credential = (await navigator.credentials.get({
      publicKey: PublicKeyCredential.parseRequestOptionsFromJSON(options),
    })) as PublicKeyCredential;
    const json = credential.toJSON();
    const res = await fetch('/v1/auth/passkeys/authentication/verify', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ response: json }),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown>, credential: json as unknown };
  });
}

async function signedInMember() {
  const user = await newUser(stack, adminToken);
  const login = await edgeClient(stack, 'member').post('/v1/auth/login', { json: { email: user.email, password: PASSWORD } });
  return { user, token: login.body.access_token as string };
}

test('a passkey registered in Chromium signs its user in without an address or password, once per challenge', async (t) => {
  const { user, token } = await signedInMember();
  const { context, page } = await pageWithAuthenticator(browser);
  t.teardown(() => context.close());
  await page.goto(`${origin}/docs`);

  const registered = await registerPasskey(page, token, 'Test laptop');
  t.is(registered.status, 201, JSON.stringify(registered.body));
  t.like(registered.body, { name: 'Test laptop', last_used_at: null });
  const mail = await waitForMail(user.email, { subject: /passkey was added/ });
  t.regex(mail.text, /"Test laptop" was added/);

  const listed = await stack.http.get('/v1/auth/passkeys', { token });
  t.is(listed.status, 200);
  t.deepEqual(
    (listed.body.items as { id: string }[]).map((p) => p.id),
    [registered.body.id],
  );

  const signedIn = await signInWithPasskey(page);
  t.is(signedIn.status, 200, JSON.stringify(signedIn.body));
  t.like(signedIn.body, { token_type: 'Bearer', user: { id: user.id, email: user.email } });
  const me = await stack.http.get('/v1/auth/me', { token: signedIn.body.access_token as string });
  t.is(me.status, 200);
  t.is(me.body.id, user.id);
  const cookies = await context.cookies();
  t.true(cookies.some((c) => c.name === 'tg_refresh' && c.httpOnly));

  // The same answer again: its challenge was used.
  const replay = await stack.http.post('/v1/auth/passkeys/authentication/verify', { json: { response: signedIn.credential } });
  t.is(replay.status, 401);
  t.is(errorOf(replay).code, 'invalid_credentials');

  const used = await stack.http.get('/v1/auth/passkeys', { token });
  t.truthy((used.body.items as { last_used_at: string | null }[])[0].last_used_at);
  const logins = await auditEvents(stack, adminToken, 'auth.login.succeeded', (e) =>
    e.some((x) => x.resource.id === user.id && x.details.method === 'passkey'),
  );
  t.true(logins.some((x) => x.resource.id === user.id && x.details.method === 'passkey'));
  const added = await auditEvents(stack, adminToken, 'auth.passkey.added', (e) => e.some((x) => x.resource.id === user.id));
  t.like(added.find((x) => x.resource.id === user.id)?.details, { passkey_id: registered.body.id, name: 'Test laptop' });
  const failed = await auditEvents(stack, adminToken, 'auth.passkey.failed', (e) => e.some((x) => x.details.reason === 'reused'));
  t.true(failed.some((x) => x.details.reason === 'reused'));
});

test('a cloned authenticator (its counter behind) is refused, and a deleted passkey signs in no more', async (t) => {
  const { user, token } = await signedInMember();
  const { context, page, cdp, authenticatorId } = await pageWithAuthenticator(browser);
  t.teardown(() => context.close());
  await page.goto(`${origin}/docs`);
  t.is((await registerPasskey(page, token, 'Phone')).status, 201);
  t.is((await signInWithPasskey(page)).status, 200);
  t.is((await signInWithPasskey(page)).status, 200);

  // The same key in another authenticator that has signed fewer times: what a copied key looks like.
  const { credentials } = await cdp.send('WebAuthn.getCredentials', { authenticatorId });
  t.is(credentials.length, 1);
  const clone = await pageWithAuthenticator(browser);
  t.teardown(() => clone.context.close());
  await clone.cdp.send('WebAuthn.addCredential', {
    authenticatorId: clone.authenticatorId,
    credential: { ...credentials[0], signCount: 1 },
  });
  await clone.page.goto(`${origin}/docs`);
  const cloned = await signInWithPasskey(clone.page);
  t.is(cloned.status, 401);
  const regressed = await auditEvents(stack, adminToken, 'auth.passkey.failed', (e) =>
    e.some((x) => x.resource.id === user.id && x.details.reason === 'counter_regressed'),
  );
  t.true(regressed.some((x) => x.resource.id === user.id && x.details.reason === 'counter_regressed'));

  const [passkey] = (await stack.http.get('/v1/auth/passkeys', { token })).body.items as { id: string }[];
  // Someone else's passkey is not found for them.
  const other = await signedInMember();
  t.is((await stack.http.delete(`/v1/auth/passkeys/${passkey.id}`, { token: other.token })).status, 404);
  t.is((await stack.http.delete(`/v1/auth/passkeys/${passkey.id}`, { token })).status, 204);
  t.is((await stack.http.delete(`/v1/auth/passkeys/${passkey.id}`, { token })).status, 404);
  await waitForMail(user.email, { subject: /passkey was removed/ });
  t.is((await signInWithPasskey(page)).status, 401);
  const removed = await auditEvents(stack, adminToken, 'auth.passkey.removed', (e) => e.some((x) => x.resource.id === user.id));
  t.like(removed.find((x) => x.resource.id === user.id)?.details, { passkey_id: passkey.id, name: 'Phone' });
});

test('registering needs a session and a real answer to its own challenge; API tokens and forged answers change nothing', async (t) => {
  const { user, token } = await signedInMember();
  t.is((await stack.http.post('/v1/auth/passkeys/registration/options')).status, 401);
  const pat = await stack.http.post('/v1/tokens', { token, json: { name: 'cli', scopes: ['tokens:read'] } });
  t.is(pat.status, 201, pat.text);
  t.is((await stack.http.post('/v1/auth/passkeys/registration/options', { token: pat.body.token as string })).status, 403);

  const options = await stack.http.post('/v1/auth/passkeys/registration/options', { token });
  t.is(options.status, 200);
  t.like(options.body, { rp: { id: 'localhost', name: 'Tollgate' }, user: { name: user.email }, attestation: 'none' });
  t.like(options.body.authenticatorSelection as object, { residentKey: 'required' });
  const started = await auditEvents(stack, adminToken, 'auth.passkey.registration_started', (e) =>
    e.some((x) => x.resource.id === user.id),
  );
  t.like(started.find((x) => x.resource.id === user.id)?.details, { passkeys: 0 });

  // A made-up answer that names the real challenge: the attestation does not verify, and the challenge is spent.
  const clientData = Buffer.from(JSON.stringify({ type: 'webauthn.create', challenge: options.body.challenge, origin })).toString(
    'base64url',
  );
  const forged = { id: 'AAAA', rawId: 'AAAA', type: 'public-key', response: { clientDataJSON: clientData, attestationObject: 'AAAA' } };
  const refused = await stack.http.post('/v1/auth/passkeys/registration/verify', { token, json: { response: forged } });
  t.is(refused.status, 400);
  const again = await stack.http.post('/v1/auth/passkeys/registration/verify', { token, json: { response: forged } });
  t.is(again.status, 400);
  t.is(errorOf(again).details?.response, 'reused');
  const malformed = await stack.http.post('/v1/auth/passkeys/registration/verify', {
    token,
    json: { response: { id: 'x', type: 'public-key' } },
  });
  t.is(malformed.status, 400);
  t.deepEqual((await stack.http.get('/v1/auth/passkeys', { token })).body.items, []);
  const failures = await auditEvents(stack, adminToken, 'auth.passkey.registration_failed', (e) =>
    ['not_verified', 'reused', 'malformed'].every((r) => e.some((x) => x.resource.id === user.id && x.details.reason === r)),
  );
  t.true(['not_verified', 'reused', 'malformed'].every((r) => failures.some((x) => x.resource.id === user.id && x.details.reason === r)));

  const signInOptions = await stack.http.post('/v1/auth/passkeys/authentication/options');
  t.is(signInOptions.status, 200);
  t.like(signInOptions.body, { rpId: 'localhost', userVerification: 'preferred' });
  t.false('allowCredentials' in signInOptions.body && (signInOptions.body.allowCredentials as unknown[]).length > 0);
});
