import { z } from 'zod';
import { RPC_CALLERS } from '@tollgate/platform';
import type { Passkey__Output } from '@tollgate/proto/gen/tollgate/identity/v1/Passkey';
import type { GatewayDeps } from '../deps.js';
import { setAuthCookies } from '../http/session-cookies.js';
import type { RouteDefiner } from './define.js';
import { pageOut } from './fields.js';
import { authResultSchema, toAuthResult } from './schemas.js';

const passkeySchema = z
  .object({
    id: z.string().openapi({ description: 'The credential id (base64url)' }),
    name: z.string(),
    created_at: z.string(),
    last_used_at: z.string().nullable().openapi({ description: 'Its last sign-in; null: never used' }),
    device_type: z.enum(['singleDevice', 'multiDevice']).openapi({ description: 'multiDevice: synced between devices' }),
    backed_up: z.boolean(),
  })
  .openapi('Passkey');

const toPasskey = (p: Passkey__Output): z.infer<typeof passkeySchema> => ({
  id: p.id,
  name: p.name,
  created_at: p.created_at,
  last_used_at: p.last_used_at || null,
  device_type: p.device_type as 'singleDevice' | 'multiDevice',
  backed_up: p.backed_up,
});

const optionsSchema = (name: string, what: string) =>
  z
    .record(z.string(), z.unknown())
    .openapi(name, { description: `WebAuthn options (JSON): pass them to PublicKeyCredential.${what}, then to navigator.credentials` });

/** What the browser's credential gives back, as its toJSON() makes it; an authenticator's answer is a few kilobytes. */
const credentialSchema = z
  .object({ id: z.string().min(1).max(1_024), type: z.literal('public-key') })
  .loose()
  .openapi('PublicKeyCredentialJSON', { description: 'The credential navigator.credentials gave, as its toJSON() makes it' });

export function registerPasskeyRoutes(route: RouteDefiner, deps: GatewayDeps): void {
  const identity = deps.clients.identity.call;
  const session = { auth: 'any', tag: 'Passkeys' } as const;

  route({
    ...session,
    method: 'post',
    path: '/v1/auth/passkeys/registration/options',
    callers: RPC_CALLERS.identity.PasskeyRegistrationOptions,
    summary: 'Start registering a passkey',
    description:
      'For the signed-in user: a discoverable credential (it signs in without an address typed), one per authenticator. The ' +
      'challenge can be answered once, within PASSKEY_CHALLENGE_TTL_SECONDS (5 minutes by default).',
    response: optionsSchema('PasskeyRegistrationOptions', 'parseCreationOptionsFromJSON()'),
    handler: async ({ call }) => JSON.parse((await identity.PasskeyRegistrationOptions({}, call)).options_json) as unknown,
  });

  route({
    ...session,
    method: 'post',
    path: '/v1/auth/passkeys/registration/verify',
    callers: RPC_CALLERS.identity.VerifyPasskeyRegistration,
    summary: 'Finish registering a passkey',
    description:
      "Takes the new credential. Its challenge must be this user's, unused and live, and its origin and relying party ours " +
      '(WEBAUTHN_ORIGINS, WEBAUTHN_RP_ID); otherwise 400, and the ceremony starts again. A credential registered already is 409; ' +
      'at most 20 passkeys per user. Audited as auth.passkey.added (or auth.passkey.registration_failed); the account is mailed.',
    body: z.object({ response: credentialSchema, name: z.string().trim().max(100).optional() }),
    status: 201,
    response: passkeySchema,
    errors: [409],
    handler: async ({ body, call }) =>
      toPasskey(await identity.VerifyPasskeyRegistration({ response_json: JSON.stringify(body.response), name: body.name ?? '' }, call)),
  });

  route({
    method: 'post',
    path: '/v1/auth/passkeys/authentication/options',
    tag: 'Passkeys',
    auth: 'public',
    summary: 'Start signing in with a passkey',
    description:
      'For any discoverable passkey of this site (no address needed). The challenge can be answered once, within PASSKEY_CHALLENGE_TTL_SECONDS.',
    response: optionsSchema('PasskeyAuthenticationOptions', 'parseRequestOptionsFromJSON()'),
    rateLimit: { points: 60, durationSec: 60 },
    handler: async ({ call }) => JSON.parse((await identity.PasskeySignInOptions({}, call)).options_json) as unknown,
  });

  route({
    method: 'post',
    path: '/v1/auth/passkeys/authentication/verify',
    tag: 'Passkeys',
    auth: 'public',
    summary: 'Sign in with a passkey',
    description:
      'Takes the credential navigator.credentials.get() gave and answers exactly like login (and sets the same cookies). An ' +
      'unknown, used or expired challenge, an unknown passkey, a signature that does not verify, a signature counter that went ' +
      'back (a cloned authenticator), or an account disabled or locked: 401 invalid_credentials, the reason in the audit log ' +
      '(auth.passkey.failed).',
    body: z.object({ response: credentialSchema }),
    response: authResultSchema,
    errors: [401],
    rateLimit: { points: 60, durationSec: 60 },
    handler: async ({ body, call }, _req, res) => {
      const result = await identity.VerifyPasskeySignIn({ response_json: JSON.stringify(body.response) }, call);
      setAuthCookies(res, result);
      return toAuthResult(result);
    },
  });

  route({
    ...session,
    method: 'get',
    path: '/v1/auth/passkeys',
    callers: RPC_CALLERS.identity.ListPasskeys,
    summary: 'Your passkeys',
    response: pageOut(passkeySchema),
    handler: async ({ call }) => ({ items: (await identity.ListPasskeys({}, call)).items.map(toPasskey), next_cursor: null }),
  });

  route({
    ...session,
    method: 'delete',
    path: '/v1/auth/passkeys/{id}',
    callers: RPC_CALLERS.identity.DeletePasskey,
    summary: 'Delete one of your passkeys',
    description: 'It no longer signs in. Audited as auth.passkey.removed; the account is mailed.',
    params: z.object({ id: z.string().regex(/^[A-Za-z0-9_-]{1,1400}$/, 'must be a credential id (base64url)') }),
    status: 204,
    errors: [404],
    handler: async ({ params, call }) => {
      await identity.DeletePasskey({ id: params.id }, call);
      return undefined;
    },
  });
}
