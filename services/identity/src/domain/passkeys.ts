import {
  generateAuthenticationOptions,
  generateRegistrationOptions,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
  type AuthenticationResponseJSON,
  type AuthenticatorTransportFuture,
  type RegistrationResponseJSON,
} from '@simplewebauthn/server';
import { decodeClientDataJSON } from '@simplewebauthn/server/helpers';
import { NotFoundError, UnauthenticatedError, ValidationError, type Caller } from '@tollgate/platform';
import { assertSession } from './access.js';
import { signIn, type AuthOutcome } from './auth.js';
import type { IdentityDeps } from './deps.js';
import { isLocked } from './lockout.js';
import { originOf } from './mail-templates.js';
import type { PasskeyRecord, SingleUsePurpose, SingleUseRecord } from './records.js';
import { digest } from './secrets.js';
import { displayName, mustFind } from './users.js';

/** A user's passkey as its owner sees it (never its key). */
export interface PasskeyView {
  id: string;
  name: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  deviceType: string;
  backedUp: boolean;
}

/** An authenticator's answer is a few kilobytes; anything much larger is not one. */
const RESPONSE_INPUT_MAX = 64 * 1024;
const NAME_MAX = 100;
/** A user with this many passkeys registers no more: each one is a way into the account to review. */
const PASSKEYS_PER_USER_MAX = 20;

type SignInFailure =
  | 'malformed'
  | 'unknown_challenge'
  | 'expired'
  | 'reused'
  | 'unknown_passkey'
  | 'not_verified'
  | 'counter_regressed'
  | 'disabled'
  | 'locked';

/** The one answer every refused passkey sign-in gets; the reason goes to the audit log only. */
const invalidPasskey = () => new UnauthenticatedError('invalid_credentials', 'This passkey could not sign you in');

const view = (p: PasskeyRecord): PasskeyView => ({
  id: p.id,
  name: p.name,
  createdAt: p.createdAt,
  lastUsedAt: p.lastUsedAt,
  deviceType: p.deviceType,
  backedUp: p.backedUp,
});

/** The WebAuthn user handle of a user: their id's bytes (the same for all their passkeys, and not their address). */
const userHandle = (userId: string) => new TextEncoder().encode(userId);

/** Stores a ceremony's challenge, which can be answered once, until it expires. */
async function issueChallenge(deps: IdentityDeps, challenge: string, purpose: SingleUsePurpose, userId: string): Promise<void> {
  const ttl = deps.settings.webauthn.challengeTtlSeconds;
  await deps.challenges.create({ digest: digest(challenge), purpose, userId, expiresAt: new Date(Date.now() + ttl * 1000) });
}

/** An authenticator's answer, parsed as far as finding its challenge (the library checks the rest); null when it is not one. */
// eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters -- the caller names the ceremony whose answer it expects
function parseResponse<T extends RegistrationResponseJSON | AuthenticationResponseJSON>(
  json: string,
): { response: T; challenge: string } | null {
  if (!json || json.length > RESPONSE_INPUT_MAX) return null;
  try {
    const response = JSON.parse(json) as T;
    if (typeof response.id !== 'string' || typeof response.response.clientDataJSON !== 'string') return null;
    const { challenge } = decodeClientDataJSON(response.response.clientDataJSON);
    return typeof challenge === 'string' ? { response, challenge } : null;
  } catch {
    return null;
  }
}

/** Uses the challenge an answer signed: unknown, of another ceremony, expired or used already → the reason. */
async function useChallenge(
  deps: IdentityDeps,
  challenge: string,
  purpose: SingleUsePurpose,
): Promise<{ record: SingleUseRecord } | { failure: 'unknown_challenge' | 'expired' | 'reused' }> {
  const record = await deps.challenges.find(digest(challenge));
  if (record?.purpose !== purpose) return { failure: 'unknown_challenge' };
  const now = new Date();
  if (record.expiresAt <= now) return { failure: 'expired' };
  if (!(await deps.challenges.use(record, now))) return { failure: 'reused' };
  return { record };
}

/** Starts registering a passkey for the signed-in user: the options for navigator.credentials.create(). */
export async function passkeyRegistrationOptions(deps: IdentityDeps, caller: Caller): Promise<unknown> {
  const { userId } = assertSession(caller.principal);
  const user = await mustFind(deps, userId);
  const existing = await deps.passkeys.listOfUser(user.id);
  const rp = deps.settings.webauthn;
  const options = await generateRegistrationOptions({
    rpName: rp.rpName,
    rpID: rp.rpId,
    userName: user.email,
    userID: userHandle(user.id),
    userDisplayName: displayName(user.name, user.email),
    attestationType: 'none',
    // One credential per authenticator; and discoverable, so it signs in without an address typed.
    excludeCredentials: existing.map((p) => ({ id: p.id, transports: p.transports as AuthenticatorTransportFuture[] })),
    authenticatorSelection: { residentKey: 'required', userVerification: 'preferred' },
    timeout: rp.challengeTtlSeconds * 1000,
  });
  await issueChallenge(deps, options.challenge, 'passkey_registration', user.id);
  await deps.audit.emit(
    { action: 'auth.passkey.registration_started', resource: { type: 'user', id: user.id }, details: { passkeys: existing.length } },
    caller,
  );
  return options;
}

/**
 * Registers the passkey an authenticator created for the options above: its challenge must be
 * this user's, unused and live, and the attestation must verify for our relying party and
 * origins. Audited either way; the account is mailed about a new passkey.
 */
export async function verifyPasskeyRegistration(
  deps: IdentityDeps,
  caller: Caller,
  input: { responseJson: string; name: string },
): Promise<PasskeyView> {
  const { userId } = assertSession(caller.principal);
  const name = (input.name ?? '').trim() || 'Passkey';
  if (name.length > NAME_MAX) throw new ValidationError('name is too long', { name: `must be at most ${NAME_MAX} characters` });
  const refuse = async (reason: string) => {
    await deps.audit.emit(
      { action: 'auth.passkey.registration_failed', outcome: 'failure', resource: { type: 'user', id: userId }, details: { reason } },
      caller,
    );
    return new ValidationError('The passkey could not be registered: start again', { response: reason.replaceAll('_', ' ') });
  };
  const parsed = parseResponse<RegistrationResponseJSON>(input.responseJson);
  if (!parsed) throw await refuse('malformed');
  const used = await useChallenge(deps, parsed.challenge, 'passkey_registration');
  if ('failure' in used) throw await refuse(used.failure);
  if (used.record.userId !== userId) throw await refuse('unknown_challenge');
  if ((await deps.passkeys.listOfUser(userId)).length >= PASSKEYS_PER_USER_MAX) throw await refuse('too_many_passkeys');

  const rp = deps.settings.webauthn;
  const verification = await verifyRegistrationResponse({
    response: parsed.response,
    expectedChallenge: parsed.challenge,
    expectedOrigin: rp.origins,
    expectedRPID: rp.rpId,
    requireUserVerification: false,
  }).catch(() => null);
  if (!verification?.verified) throw await refuse('not_verified');

  const { credential, credentialDeviceType, credentialBackedUp } = verification.registrationInfo;
  const passkey: PasskeyRecord = {
    id: credential.id,
    userId,
    name,
    publicKey: Buffer.from(credential.publicKey).toString('base64url'),
    counter: credential.counter,
    transports: credential.transports ?? [],
    deviceType: credentialDeviceType,
    backedUp: credentialBackedUp,
    createdAt: new Date(),
    lastUsedAt: null,
  };
  await deps.passkeys.create(passkey);
  await deps.audit.emit(
    { action: 'auth.passkey.added', resource: { type: 'user', id: userId }, details: { passkey_id: passkey.id, name } },
    caller,
  );
  const user = await mustFind(deps, userId);
  await deps.mailer.send(user.email, 'passkey_added', { name, at: passkey.createdAt.toISOString(), ...originOf(caller) });
  return view(passkey);
}

/**
 * Starts a passkey sign-in: the options for navigator.credentials.get(), for any discoverable
 * passkey (no address typed). Not audited: anyone may ask, it changes nothing, and its answer is.
 */
export async function passkeySignInOptions(deps: IdentityDeps): Promise<unknown> {
  const rp = deps.settings.webauthn;
  const options = await generateAuthenticationOptions({
    rpID: rp.rpId,
    userVerification: 'preferred',
    timeout: rp.challengeTtlSeconds * 1000,
  });
  await issueChallenge(deps, options.challenge, 'passkey_sign_in', '');
  return options;
}

/**
 * Signs in with a passkey's answer, exactly like a password login (a new session). The
 * challenge is used first (a unique insert: an answer works once, on any replica), then the
 * passkey it names must belong to the user handle it carries, its signature verify, and its
 * counter move forward (a counter that goes back means a cloned authenticator).
 */
export async function verifyPasskeySignIn(deps: IdentityDeps, caller: Caller, input: { responseJson: string }): Promise<AuthOutcome> {
  const failed = async (reason: SignInFailure, userId?: string) => {
    deps.metrics.signInAttempt('passkey', reason);
    await deps.audit.emit(
      { action: 'auth.passkey.failed', outcome: 'failure', resource: { type: 'user', id: userId }, details: { reason } },
      caller,
    );
    return invalidPasskey();
  };
  const parsed = parseResponse<AuthenticationResponseJSON>(input.responseJson);
  if (!parsed) throw await failed('malformed');
  const used = await useChallenge(deps, parsed.challenge, 'passkey_sign_in');
  if ('failure' in used) throw await failed(used.failure);
  const passkey = await deps.passkeys.find(parsed.response.id);
  if (!passkey) throw await failed('unknown_passkey');
  const handle = parsed.response.response.userHandle;
  if (handle !== undefined && Buffer.from(handle, 'base64url').toString() !== passkey.userId) {
    throw await failed('unknown_passkey', passkey.userId);
  }

  const rp = deps.settings.webauthn;
  const verification = await verifyAuthenticationResponse({
    response: parsed.response,
    expectedChallenge: parsed.challenge,
    expectedOrigin: rp.origins,
    expectedRPID: rp.rpId,
    credential: {
      id: passkey.id,
      publicKey: Buffer.from(passkey.publicKey, 'base64url'),
      counter: passkey.counter,
      transports: passkey.transports as AuthenticatorTransportFuture[],
    },
    requireUserVerification: false,
  }).catch((err: unknown) => (err as Error).message);
  // The library names a counter that went back (a cloned authenticator) in its error.
  if (typeof verification === 'string' || !verification.verified) {
    const cloned = typeof verification === 'string' && /counter/i.test(verification);
    throw await failed(cloned ? 'counter_regressed' : 'not_verified', passkey.userId);
  }

  const user = await deps.users.findById(passkey.userId);
  if (!user || user.disabled) throw await failed('disabled', passkey.userId);
  if (await isLocked(deps, user.id)) throw await failed('locked', user.id);
  await deps.passkeys.used(passkey.id, verification.authenticationInfo.newCounter, new Date());
  return signIn(deps, caller, user, 'passkey');
}

export async function listPasskeys(deps: IdentityDeps, caller: Caller): Promise<PasskeyView[]> {
  const { userId } = assertSession(caller.principal);
  return (await deps.passkeys.listOfUser(userId)).map(view);
}

/** Deletes one of the signed-in user's passkeys (another's is not found); audited, and the account is mailed. */
export async function deletePasskey(deps: IdentityDeps, caller: Caller, id: string): Promise<void> {
  const { userId } = assertSession(caller.principal);
  const passkey = id ? await deps.passkeys.find(id) : null;
  if (passkey?.userId !== userId || !(await deps.passkeys.remove(passkey.id, userId))) throw new NotFoundError('Passkey not found');
  await deps.audit.emit(
    { action: 'auth.passkey.removed', resource: { type: 'user', id: userId }, details: { passkey_id: passkey.id, name: passkey.name } },
    caller,
  );
  const user = await mustFind(deps, userId);
  await deps.mailer.send(user.email, 'passkey_removed', { name: passkey.name, at: new Date().toISOString(), ...originOf(caller) });
}
