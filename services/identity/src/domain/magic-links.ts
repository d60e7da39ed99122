import { ServiceUnavailableError, UnauthenticatedError, ValidationError, type Caller } from '@tollgate/platform';
import { openSession, outcome, type AuthOutcome } from './auth.js';
import type { IdentityDeps } from './deps.js';
import { isLocked } from './lockout.js';
import { digest, newSecret } from './secrets.js';
import { isEmail, normalizeEmail } from './users.js';

const MAGIC_LINK_PREFIX = 'tg_ml_';
const EMAIL_INPUT_MAX = 320;
const TOKEN_INPUT_MAX = 256;

type LinkFailure = 'unknown' | 'expired' | 'reused' | 'disabled' | 'locked';

/** The one answer every failed verification gets. */
const invalidLink = () => new UnauthenticatedError('invalid_credentials', 'This sign-in link is invalid, expired or already used');

/** Where the mail's link points: a page that posts the token (the fragment never reaches a server's logs or a Referer). */
export function magicLinkUrl(publicUrl: string, token: string): string {
  return `${publicUrl.replace(/\/+$/, '')}/console/magic-link#token=${token}`;
}

/**
 * Asks for a sign-in link. The answer is the same, at once, whatever the address: the
 * lookup, the link and its mail happen after it (an account's existence shows neither in
 * the answer nor in its timing). Only an active account that is not locked gets a link;
 * every request is audited with what happened.
 */
export function requestMagicLink(deps: IdentityDeps, caller: Caller, input: { email: string }): void {
  const email = normalizeEmail(input.email ?? '');
  if (email.length > EMAIL_INPUT_MAX || !isEmail(email))
    throw new ValidationError('email must be an email address', { email: 'is not an email address' });
  if (!deps.mailer.configured) throw new ServiceUnavailableError('Sign-in links need mail, and no SMTP server is configured');
  void issue(deps, caller, email).catch((err: unknown) =>
    deps.log.error({ err: (err as Error).message }, 'a sign-in link could not be issued'),
  );
}

async function issue(deps: IdentityDeps, caller: Caller, email: string): Promise<void> {
  const user = await deps.users.findByEmail(email);
  const refuse = (reason: 'unknown_user' | 'disabled' | 'locked') =>
    deps.audit.emit(
      {
        action: 'auth.magic_link.requested',
        outcome: 'denied',
        resource: { type: 'user', id: user?.id },
        details: { reason, ...(user ? {} : { email }) },
      },
      caller,
    );
  if (!user) return refuse('unknown_user');
  if (user.disabled) return refuse('disabled');
  if (await isLocked(deps, user.id)) return refuse('locked');

  const token = newSecret(MAGIC_LINK_PREFIX);
  const ttl = deps.settings.magicLinkTtlSeconds;
  await deps.magicLinks.create({ digest: digest(token), userId: user.id, expiresAt: new Date(Date.now() + ttl * 1000) });
  await deps.mailer.send(user.email, 'magic_link', {
    link: magicLinkUrl(deps.settings.publicUrl, token),
    minutes: Math.max(1, Math.round(ttl / 60)),
    ip: caller.ip ?? '',
    userAgent: (caller.userAgent ?? '').slice(0, 200),
  });
  await deps.audit.emit(
    { action: 'auth.magic_link.requested', resource: { type: 'user', id: user.id }, details: { expires_in: ttl } },
    caller,
  );
}

/**
 * Signs in with a link's token, exactly like a password login (a new session). The link
 * works once: using it is a unique insert, so of verifications racing on any replicas one
 * signs in. Unknown, expired, used, or for an account disabled or locked since: 401
 * invalid_credentials, with the reason in the audit log only.
 */
export async function verifyMagicLink(deps: IdentityDeps, caller: Caller, input: { token: string }): Promise<AuthOutcome> {
  const failed = async (reason: LinkFailure, userId?: string) => {
    await deps.audit.emit(
      { action: 'auth.magic_link.failed', outcome: 'failure', resource: { type: 'user', id: userId }, details: { reason } },
      caller,
    );
    return invalidLink();
  };
  const token = input.token ?? '';
  if (!token.startsWith(MAGIC_LINK_PREFIX) || token.length > TOKEN_INPUT_MAX) throw await failed('unknown');
  const link = await deps.magicLinks.find(digest(token));
  if (!link) throw await failed('unknown');
  const now = new Date();
  if (link.expiresAt <= now) throw await failed('expired', link.userId);
  if (!(await deps.magicLinks.use(link, now))) throw await failed('reused', link.userId);

  const user = await deps.users.findById(link.userId);
  if (!user || user.disabled) throw await failed('disabled', link.userId);
  if (await isLocked(deps, user.id)) throw await failed('locked', user.id);
  const opened = await openSession(deps, caller, user);
  // Disabled or changed while the session opened: the revocation that went with it could not see this session.
  const current = await deps.users.findById(user.id);
  if (!current || current.disabled || current.role !== user.role) {
    await deps.sessions.revoke(opened.session.id, user.id, 'user_changed_during_login');
    throw await failed('disabled', user.id);
  }
  await deps.audit.emit(
    {
      action: 'auth.login.succeeded',
      actor: { type: 'user', id: user.id },
      resource: { type: 'user', id: user.id },
      details: { session_id: opened.session.id, method: 'magic_link' },
    },
    caller,
  );
  return outcome(deps, current, false, { sessionId: opened.session.id, refreshToken: opened.refreshToken, csrfToken: opened.csrfToken });
}
