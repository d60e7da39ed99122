import { ConflictError, NotFoundError, ValidationError, type Caller } from '@tollgate/platform';
import { assertSession } from './access.js';
import type { IdentityDeps } from './deps.js';
import { createLink, EMAIL_CHANGE, redeem } from './email-links.js';
import { originOf } from './mail-templates.js';
import { mustFind, parseEmail, view, type UserView } from './users.js';

/** The longest display name people give themselves (admins may set longer ones). */
const OWN_NAME_MAX = 100;

/**
 * The signed-in user changes their own profile. A name (1 to 100 characters) changes at
 * once, audited as user.updated by its own user. A new address changes nothing yet: a link
 * that confirms it is mailed to it (whether or not another account has it; confirming says).
 */
export async function updateMe(deps: IdentityDeps, caller: Caller, input: { name?: string; email?: string }): Promise<UserView> {
  const { userId } = assertSession(caller.principal);
  const name = input.name?.trim();
  if (name !== undefined && (name.length < 1 || name.length > OWN_NAME_MAX)) {
    throw new ValidationError('name must be 1 to 100 characters', { name: `must be 1 to ${OWN_NAME_MAX} characters` });
  }
  const email = input.email === undefined ? undefined : parseEmail(input.email);
  const changed = await deps.users.change(userId, async (current) => (name === undefined || current.name === name ? null : { name }));
  const user = changed?.after ?? (await mustFind(deps, userId));
  if (changed && changed.before.name !== changed.after.name) {
    await deps.sessions.copyUser(user.id, user);
    await deps.audit.emit(
      { action: 'user.updated', resource: { type: 'user', id: user.id }, details: { changed: ['name'], by: 'self' } },
      caller,
    );
  }
  if (email !== undefined && email !== user.email) {
    if (!deps.mailer.configured)
      throw new ConflictError('An address can change only when mail can confirm it, and no SMTP server is configured');
    const { link, ttl } = await createLink(deps, EMAIL_CHANGE, user, email);
    await deps.mailer.send(email, 'email_change', { link, email, hours: Math.max(1, Math.round(ttl / 3600)), ...originOf(caller) });
    await deps.audit.emit(
      { action: EMAIL_CHANGE.requested, resource: { type: 'user', id: user.id }, details: { to: email, expires_in: ttl } },
      caller,
    );
  }
  return view(deps, user);
}

/**
 * Confirms a new address with the link mailed to it: the account's address changes (its
 * sessions follow), and the old address is told. An address another account took since is
 * 409, and the link is spent.
 */
export async function confirmEmailChange(deps: IdentityDeps, caller: Caller, input: { token: string }): Promise<UserView> {
  const { user, link } = await redeem(deps, caller, input.token ?? '', EMAIL_CHANGE);
  const email = link.data ?? '';
  const taken = () => new ConflictError('Another account has this address now', { email: 'is taken' });
  const holder = await deps.users.findByEmail(email);
  if (holder && holder.id !== user.id) throw taken();
  const changed = await deps.users.change(user.id, async (current) => (current.email === email ? null : { email }));
  if (!changed) throw new NotFoundError('User not found');
  const { before, after } = changed;
  if (before.email !== after.email) {
    await deps.sessions.copyUser(after.id, after);
    await deps.audit.emit(
      { action: 'user.email_changed', resource: { type: 'user', id: after.id }, details: { from: before.email, to: after.email } },
      caller,
    );
    await deps.mailer.send(before.email, 'email_changed', { email: after.email, at: after.updatedAt.toISOString(), ...originOf(caller) });
  }
  return view(deps, after);
}
