import { ServiceUnavailableError, UnauthenticatedError, ValidationError, type Caller } from '@tollgate/platform';
import { signIn, type AuthOutcome } from './auth.js';
import type { IdentityDeps, IdentitySettings } from './deps.js';
import { isLocked } from './lockout.js';
import { originOf, type MailTemplateName } from './mail-templates.js';
import { checkPasswordPolicy } from './passwords.js';
import { passwordsAllowed } from './sign-in-settings.js';
import type { SingleUsePurpose, SingleUseRecord, UserRecord } from './records.js';
import { digest, newSecret } from './secrets.js';
import { EMAIL_INPUT_MAX, isEmail, normalizeEmail } from './users.js';

const TOKEN_INPUT_MAX = 256;
/** How long after its answer a request for a link is acted on. */
const ISSUE_DELAY_MS = 50;

/** What a kind of mailed link is: its token's prefix, its mail, the console page it opens, its audit events and lifetime. */
export interface LinkKind {
  purpose: SingleUsePurpose;
  prefix: string;
  template: Extract<MailTemplateName, 'magic_link' | 'password_reset' | 'email_change'>;
  page: string;
  requested: string;
  failed: string;
  ttlSeconds: (s: IdentitySettings) => number;
}

/** The kinds a person asks for by address (the same mail variables); an email change is mailed on its own. */
type RequestedLinkKind = LinkKind & { template: 'magic_link' | 'password_reset' };

const SIGN_IN: RequestedLinkKind = {
  purpose: 'sign_in',
  prefix: 'tg_ml_',
  template: 'magic_link',
  page: 'magic-link',
  requested: 'auth.magic_link.requested',
  failed: 'auth.magic_link.failed',
  ttlSeconds: (s) => s.magicLinkTtlSeconds,
};

const PASSWORD_RESET: RequestedLinkKind = {
  purpose: 'password_reset',
  prefix: 'tg_pr_',
  template: 'password_reset',
  page: 'reset-password',
  requested: 'auth.password_reset.requested',
  failed: 'auth.password_reset.failed',
  ttlSeconds: (s) => s.passwordResetTtlSeconds,
};

/** Sent to the address an account wants to use instead of its own. */
export const EMAIL_CHANGE: LinkKind = {
  purpose: 'email_change',
  prefix: 'tg_ec_',
  template: 'email_change',
  page: 'confirm-email',
  requested: 'user.email_change.requested',
  failed: 'user.email_change.failed',
  ttlSeconds: (s) => s.emailChangeTtlSeconds,
};

type LinkFailure = 'unknown' | 'expired' | 'reused' | 'disabled' | 'locked' | 'passwords_off';

/** The one answer every refused link gets. */
const invalidLink = () => new UnauthenticatedError('invalid_credentials', 'This link is invalid, expired or already used');

/** Where a mail's link points: a console page that posts the token (the fragment never reaches a server's logs or a Referer). */
function emailLinkUrl(publicUrl: string, page: string, token: string): string {
  return `${publicUrl.replace(/\/+$/, '')}/console/${page}#token=${token}`;
}

/** Asks for a sign-in link (see requestLink). */
export function requestMagicLink(deps: IdentityDeps, caller: Caller, input: { email: string }): void {
  requestLink(deps, caller, input.email, SIGN_IN);
}

/** Asks for a password-reset link (see requestLink). */
export function requestPasswordReset(deps: IdentityDeps, caller: Caller, input: { email: string }): void {
  requestLink(deps, caller, input.email, PASSWORD_RESET);
}

/**
 * The answer is the same, at once, whatever the address: the lookup, the link and its mail
 * happen after it (an account's existence shows neither in the answer nor in its timing).
 * Only an active account that is not locked gets a link; every request is audited with what
 * happened.
 */
function requestLink(deps: IdentityDeps, caller: Caller, typed: string, kind: RequestedLinkKind): void {
  const email = normalizeEmail(typed ?? '');
  if (email.length > EMAIL_INPUT_MAX || !isEmail(email))
    throw new ValidationError('email must be an email address', { email: 'is not an email address' });
  if (!deps.mailer.configured) throw new ServiceUnavailableError('Links by mail need an SMTP server, and none is configured');
  // Well after the answer has gone: work that starts sooner competes with the answer on a loaded machine, and the work
  // differs with the address (an account gets a link, a mail, an audit event later; no account an audit event at once).
  setTimeout(
    () =>
      void issue(deps, caller, email, kind).catch((err: unknown) =>
        deps.log.error({ err: (err as Error).message, purpose: kind.purpose }, 'a mailed link could not be issued'),
      ),
    ISSUE_DELAY_MS,
  );
}

async function issue(deps: IdentityDeps, caller: Caller, email: string, kind: RequestedLinkKind): Promise<void> {
  const user = await deps.users.findByEmail(email);
  const refuse = (reason: 'unknown_user' | 'disabled' | 'locked' | 'passwords_off') =>
    deps.audit.emit(
      {
        action: kind.requested,
        outcome: 'denied',
        resource: { type: 'user', id: user?.id },
        details: { reason, ...(user ? {} : { email }) },
      },
      caller,
    );
  if (!user) return refuse('unknown_user');
  if (user.disabled) return refuse('disabled');
  if (await isLocked(deps, user.id)) return refuse('locked');
  if (kind === PASSWORD_RESET && !(await passwordsAllowed(deps, user))) return refuse('passwords_off');

  const { link, ttl } = await createLink(deps, kind, user);
  await deps.mailer.send(user.email, kind.template, {
    link,
    minutes: Math.max(1, Math.round(ttl / 60)),
    ...originOf(caller),
  });
  await deps.audit.emit({ action: kind.requested, resource: { type: 'user', id: user.id }, details: { expires_in: ttl } }, caller);
}

/** Stores a new link of `kind` for a user (its token only as a digest) and returns its URL, to be mailed. */
export async function createLink(
  deps: IdentityDeps,
  kind: LinkKind,
  user: UserRecord,
  data?: string,
): Promise<{ link: string; ttl: number }> {
  const token = newSecret(kind.prefix);
  const ttl = kind.ttlSeconds(deps.settings);
  await deps.emailLinks.create({
    digest: digest(token),
    purpose: kind.purpose,
    userId: user.id,
    expiresAt: new Date(Date.now() + ttl * 1000),
    ...(data === undefined ? {} : { data }),
  });
  return { link: emailLinkUrl(deps.settings.publicUrl, kind.page, token), ttl };
}

/**
 * Uses a link of `kind` and returns its user. A link works once: using it is a unique insert,
 * so of uses racing on any replicas one succeeds. Unknown, of another kind, expired, used, or
 * for an account disabled or locked since: 401 invalid_credentials, the reason in the audit log only.
 */
export async function redeem(
  deps: IdentityDeps,
  caller: Caller,
  token: string,
  kind: LinkKind,
): Promise<{ user: UserRecord; link: SingleUseRecord }> {
  const failed = async (reason: LinkFailure, userId?: string) => {
    if (kind === SIGN_IN) deps.metrics.signInAttempt('magic_link', reason);
    await deps.audit.emit({ action: kind.failed, outcome: 'failure', resource: { type: 'user', id: userId }, details: { reason } }, caller);
    return invalidLink();
  };
  if (!token.startsWith(kind.prefix) || token.length > TOKEN_INPUT_MAX) throw await failed('unknown');
  const link = await deps.emailLinks.find(digest(token));
  if (link?.purpose !== kind.purpose) throw await failed('unknown');
  const now = new Date();
  if (link.expiresAt <= now) throw await failed('expired', link.userId);
  if (!(await deps.emailLinks.use(link, now))) throw await failed('reused', link.userId);
  const user = await deps.users.findById(link.userId);
  if (!user || user.disabled) throw await failed('disabled', link.userId);
  if (await isLocked(deps, user.id)) throw await failed('locked', user.id);
  if (kind === PASSWORD_RESET && !(await passwordsAllowed(deps, user))) throw await failed('passwords_off', user.id);
  return { user, link };
}

/** Signs in with a sign-in link's token, exactly like a password login (a new session). */
export async function verifyMagicLink(deps: IdentityDeps, caller: Caller, input: { token: string }): Promise<AuthOutcome> {
  const { user } = await redeem(deps, caller, input.token ?? '', SIGN_IN);
  return signIn(deps, caller, user, 'magic_link');
}

/**
 * Sets a new password with a reset link's token: the policy is checked before the link is
 * used (a refused password leaves it working), then every session of the account ends, and a
 * "your password was changed" mail goes to it.
 */
export async function resetPassword(deps: IdentityDeps, caller: Caller, input: { token: string; newPassword: string }): Promise<void> {
  checkPasswordPolicy(input.newPassword, 'new_password');
  const { user } = await redeem(deps, caller, input.token ?? '', PASSWORD_RESET);
  const hash = await deps.passwords.hash(input.newPassword);
  const changed = await deps.users.change(user.id, async () => ({ passwordHash: hash, mustChangePassword: false }));
  if (!changed) throw invalidLink();
  const revoked = await deps.sessions.revokeAllOfUser(user.id, 'password_reset');
  await deps.audit.emit(
    {
      action: 'auth.password.reset',
      actor: { type: 'user', id: user.id },
      resource: { type: 'user', id: user.id },
      details: { sessions_revoked: revoked },
    },
    caller,
  );
  await deps.mailer.send(user.email, 'password_changed', { at: new Date().toISOString(), ...originOf(caller) });
}
