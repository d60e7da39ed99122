import { ConflictError, isRole, NotFoundError, pageOf, readPage, ValidationError, type PageInput, type Role } from '@tollgate/platform';
import type { UserRecord } from '../store/users.js';
import type { Caller, IdentityDeps, IdentitySettings } from './deps.js';
import { checkPasswordPolicy } from './passwords.js';
import { requireAdmin, requireCanReadUser, requireUserReader } from './policy.js';
import { unguessableDigest } from './secrets.js';

/** A user as callers see it. */
export interface UserView {
  id: string;
  email: string;
  name: string;
  role: Role;
  disabled: boolean;
  locked: boolean;
  createdAt: Date;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const NAME_MAX = 200;
/** Serialises changes that could leave the system without an active admin. */
const ADMINS_LOCK = 'admins';

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

export function displayName(name: string, email: string): string {
  return name || email.slice(0, email.indexOf('@') >= 0 ? email.indexOf('@') : undefined);
}

export function isLocked(user: Pick<UserRecord, 'lockedAt'>, settings: IdentitySettings, now = Date.now()): boolean {
  if (!user.lockedAt) return false;
  return settings.lockoutSeconds === 0 || user.lockedAt.getTime() + settings.lockoutSeconds * 1000 > now;
}

export function viewOf(user: UserRecord, settings: IdentitySettings): UserView {
  return {
    id: user.id,
    email: user.email,
    name: displayName(user.name, user.email),
    role: user.role,
    disabled: user.disabled,
    locked: isLocked(user, settings),
    createdAt: user.createdAt,
  };
}

function parseEmail(raw: string): string {
  const email = normalizeEmail(raw);
  if (email.length > 254 || !EMAIL.test(email)) throw new ValidationError('email is invalid', { email: 'must be an email address' });
  return email;
}

function parseName(raw: string): string {
  const name = raw.trim();
  if (name.length > NAME_MAX) throw new ValidationError('name is too long', { name: `must be at most ${NAME_MAX} characters` });
  return name;
}

function parseRole(raw: string): Role {
  if (!isRole(raw)) throw new ValidationError('role is invalid', { role: 'must be one of admin, manager, member, viewer' });
  return raw;
}

async function mustFind(deps: IdentityDeps, id: string): Promise<UserRecord> {
  const user = id ? await deps.users.findById(id) : null;
  if (!user) throw new NotFoundError('User not found');
  return user;
}

export async function createUser(
  deps: IdentityDeps,
  caller: Caller,
  input: { email: string; name: string; password: string; role: string },
): Promise<UserView> {
  requireAdmin(caller.principal);
  const email = parseEmail(input.email);
  const name = parseName(input.name);
  const role = parseRole(input.role);
  checkPasswordPolicy(input.password);
  const user = await deps.users.create({ email, name, role, passwordHash: await deps.passwords.hash(input.password) });
  await deps.audit.emit({ action: 'user.created', resource: { type: 'user', id: user.id }, details: { email, role } }, caller);
  return viewOf(user, deps.settings);
}

export async function getUser(deps: IdentityDeps, caller: Caller, id: string): Promise<UserView> {
  requireCanReadUser(caller.principal, id);
  return viewOf(await mustFind(deps, id), deps.settings);
}

export async function listUsers(
  deps: IdentityDeps,
  caller: Caller,
  input: { page?: PageInput | null; role: string },
): Promise<{ items: UserView[]; nextCursor: string }> {
  requireUserReader(caller.principal);
  const page = readPage(input.page);
  const role = input.role ? parseRole(input.role) : undefined;
  const found = await deps.users.list({ role, after: page.after, limit: page.limit });
  const { items, next_cursor } = pageOf(found, page, (u) => u.id);
  return { items: items.map((u) => viewOf(u, deps.settings)), nextCursor: next_cursor };
}

/** Is `user` an admin whose loss (demotion, disabling, deletion) would leave no active admin? */
async function isLastActiveAdmin(deps: IdentityDeps, user: UserRecord): Promise<boolean> {
  return user.role === 'admin' && !user.disabled && (await deps.users.countActiveAdmins(user.id)) === 0;
}

export async function updateUser(
  deps: IdentityDeps,
  caller: Caller,
  input: { id: string; name?: string; role?: string; disabled?: boolean },
): Promise<UserView> {
  requireAdmin(caller.principal);
  const name = input.name === undefined ? undefined : parseName(input.name);
  const role = input.role === undefined ? undefined : parseRole(input.role);

  const { before, after } = await deps.locks.run(ADMINS_LOCK, async () => {
    const user = await mustFind(deps, input.id);
    const demoted = role !== undefined && role !== user.role && user.role === 'admin';
    const disabling = input.disabled === true && !user.disabled;
    if ((demoted || disabling) && (await isLastActiveAdmin(deps, user))) {
      throw new ConflictError('The last active admin cannot be demoted or disabled');
    }
    const updated = await deps.users.update(user.id, { name, role, disabled: input.disabled });
    if (!updated) throw new NotFoundError('User not found');
    return { before: user, after: updated };
  });

  const roleChanged = before.role !== after.role;
  const disabled = after.disabled && !before.disabled;
  let sessionsRevoked = 0;
  if (roleChanged || disabled) {
    // The sessions carry the role they were opened with; they end with it.
    sessionsRevoked = await deps.sessions.revokeAllOfUser(after.id, roleChanged ? 'role_changed' : 'user_disabled', unguessableDigest());
  }
  if (before.name !== after.name) await deps.sessions.renameUser(after.id, after.name);

  const resource = { type: 'user', id: after.id };
  if (roleChanged) {
    await deps.audit.emit(
      { action: 'user.role_changed', resource, details: { from: before.role, to: after.role, sessions_revoked: sessionsRevoked } },
      caller,
    );
  }
  const changed = [
    ...(before.name !== after.name ? ['name'] : []),
    ...(before.disabled !== after.disabled ? ['disabled'] : []),
  ];
  if (changed.length > 0) {
    await deps.audit.emit(
      {
        action: 'user.updated',
        resource,
        details: { changed, disabled: after.disabled, ...(disabled ? { sessions_revoked: sessionsRevoked } : {}) },
      },
      caller,
    );
  }
  return viewOf(after, deps.settings);
}

export async function deleteUser(deps: IdentityDeps, caller: Caller, id: string): Promise<void> {
  requireAdmin(caller.principal);
  const user = await deps.locks.run(ADMINS_LOCK, async () => {
    const found = await mustFind(deps, id);
    if (await isLastActiveAdmin(deps, found)) throw new ConflictError('The last active admin cannot be deleted');
    if (!(await deps.users.remove(found.id))) throw new NotFoundError('User not found');
    return found;
  });
  await deps.sessions.removeAllOfUser(user.id);
  await deps.refreshTokens.removeAllOfUser(user.id);
  await deps.audit.emit(
    { action: 'user.deleted', resource: { type: 'user', id: user.id }, details: { email: user.email, role: user.role } },
    caller,
  );
}

export async function unlockUser(deps: IdentityDeps, caller: Caller, id: string): Promise<UserView> {
  requireAdmin(caller.principal);
  const user = await mustFind(deps, id);
  const updated = await deps.locks.run(`user:${user.id}`, () => deps.users.update(user.id, { failedLogins: 0, lockedAt: null }));
  if (!updated) throw new NotFoundError('User not found');
  await deps.audit.emit(
    { action: 'user.unlocked', resource: { type: 'user', id: user.id }, details: { was_locked: isLocked(user, deps.settings) } },
    caller,
  );
  return viewOf(updated, deps.settings);
}

/**
 * First start: creates the configured admin when no admin exists at all. Once any
 * admin exists (even a disabled one) this never runs again.
 */
export async function bootstrapAdmin(deps: IdentityDeps, input: { email: string; password: string }): Promise<void> {
  if ((await deps.users.countAdmins()) > 0) return;
  const email = parseEmail(input.email);
  checkPasswordPolicy(input.password, 'BOOTSTRAP_ADMIN_PASSWORD');
  if (await deps.users.findByEmail(email)) {
    deps.log.warn({ email }, 'BOOTSTRAP_ADMIN_EMAIL belongs to an existing non-admin user; no admin was bootstrapped');
    return;
  }
  let user: UserRecord;
  try {
    user = await deps.users.create({ email, name: '', role: 'admin', passwordHash: await deps.passwords.hash(input.password) });
  } catch (err) {
    // Another replica bootstrapped the same admin at the same moment.
    if (err instanceof ConflictError) return;
    throw err;
  }
  await deps.audit.emit({
    action: 'identity.admin.bootstrapped',
    actor: { type: 'service', id: 'identity' },
    resource: { type: 'user', id: user.id },
    details: { email },
  });
  deps.log.info({ user_id: user.id, email }, 'bootstrapped the first admin');
}
