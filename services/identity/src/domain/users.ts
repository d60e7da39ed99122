import {
  ConflictError,
  isEmail,
  isRole,
  NotFoundError,
  pageOf,
  readPage,
  ValidationError,
  type Caller,
  type PageInput,
  type Role,
} from '@tollgate/platform';
import type { IdentityDeps } from './deps.js';
import { endSeries, isLocked } from './lockout.js';
import { checkPasswordPolicy } from './passwords.js';
import { USER_BUCKET_SIZE, type UserChanges, type UserRecord } from './records.js';
import { assertCanReadUser } from './access.js';

/** A user as callers see it. */
export interface UserView {
  id: string;
  email: string;
  name: string;
  role: Role;
  disabled: boolean;
  locked: boolean;
  createdAt: Date;
  /** null: never signed in. */
  lastLoginAt: Date | null;
  passwordLogin: boolean;
  mustChangePassword: boolean;
}

const NAME_MAX = 200;
/** A list page reads at most this many buckets of users; a rare role filter may give a short page with a cursor. */
const MAX_BUCKETS_PER_PAGE = 8;

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

export { isEmail };

/** Anything longer is not an address we could have stored; refused (or not looked up) before any work. */
export const EMAIL_INPUT_MAX = 320;

export function displayName(name: string, email: string): string {
  return name || email.slice(0, email.includes('@') ? email.indexOf('@') : undefined);
}

/** `locked` comes from the login-failure series (lockout.ts), `lastLoginAt` from the sign-ins; neither from the user. */
export function viewOf(user: UserRecord, locked: boolean, lastLoginAt: Date | null): UserView {
  return {
    id: user.id,
    email: user.email,
    name: displayName(user.name, user.email),
    role: user.role,
    disabled: user.disabled,
    locked,
    createdAt: user.createdAt,
    lastLoginAt,
    passwordLogin: user.passwordLogin,
    mustChangePassword: user.mustChangePassword,
  };
}

export async function view(deps: IdentityDeps, user: UserRecord): Promise<UserView> {
  const [locked, lastLoginAt] = await Promise.all([isLocked(deps, user.id), deps.lastLogins.last(user.id)]);
  return viewOf(user, locked, lastLoginAt);
}

/** The cursor pageOf gives to a page that ends with the user placed at `seq`. */
const cursorAfter = (seq: number) => pageOf([seq, seq], { limit: 1 }, String).next_cursor;

function decodeCursor(after: string): number {
  const seq = Number(after);
  if (!/^\d{1,16}$/.test(after) || !Number.isSafeInteger(seq)) {
    throw new ValidationError('cursor is invalid', { cursor: 'is not a cursor returned by this list' });
  }
  return seq;
}

export function parseEmail(raw: string): string {
  const email = normalizeEmail(raw);
  if (!isEmail(email)) throw new ValidationError('email is invalid', { email: 'must be an email address' });
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

export async function mustFind(deps: IdentityDeps, id: string): Promise<UserRecord> {
  const user = id ? await deps.users.findById(id) : null;
  if (!user) throw new NotFoundError('User not found');
  return user;
}

export async function createUser(
  deps: IdentityDeps,
  caller: Caller,
  input: { email: string; name: string; password: string; role: string },
): Promise<UserView> {
  const email = parseEmail(input.email);
  const name = parseName(input.name);
  const role = parseRole(input.role);
  checkPasswordPolicy(input.password);
  const user = await deps.users.create({ email, name, role, passwordHash: await deps.passwords.hash(input.password) });
  await deps.audit.emit({ action: 'user.created', resource: { type: 'user', id: user.id }, details: { email, role } }, caller);
  return viewOf(user, false, null);
}

export async function getUser(deps: IdentityDeps, caller: Caller, id: string): Promise<UserView> {
  assertCanReadUser(caller.principal, id);
  return view(deps, await mustFind(deps, id));
}

/** Users in creation order (by seq), one bucket (one equality query) at a time. */
export async function listUsers(
  deps: IdentityDeps,
  caller: Caller,
  input: { page?: PageInput | null; role: string },
): Promise<{ items: UserView[]; nextCursor: string }> {
  const page = readPage(input.page);
  const role = input.role ? parseRole(input.role) : undefined;
  let after = page.after ? decodeCursor(page.after) : 0;
  const last = await deps.users.lastSeq();
  const found: UserRecord[] = [];
  for (let read = 0; after < last && found.length <= page.limit && read < MAX_BUCKETS_PER_PAGE; read++) {
    const bucket = Math.floor((after + 1) / USER_BUCKET_SIZE);
    const candidates = (await deps.users.bucket(bucket)).filter((u) => u.seq > after).sort((a, b) => a.seq - b.seq);
    // Only what the page can show is brought to its latest revision (all of it when a role filters).
    const users = await deps.users.current(role ? candidates : candidates.slice(0, page.limit + 1 - found.length));
    found.push(...users.filter((u) => !role || u.role === role));
    after = (bucket + 1) * USER_BUCKET_SIZE - 1;
  }
  const { items, next_cursor } =
    found.length <= page.limit && after < last
      ? { items: found, next_cursor: cursorAfter(after) }
      : pageOf(found, page, (u) => String(u.seq));
  return { items: await Promise.all(items.map((u) => view(deps, u))), nextCursor: next_cursor };
}

/** Active admins other than `exceptId`. */
async function otherActiveAdmins(deps: IdentityDeps, exceptId: string): Promise<number> {
  return (await deps.users.admins()).filter((u) => !u.disabled && u.id !== exceptId).length;
}

const isActiveAdmin = (u: UserRecord) => u.role === 'admin' && !u.disabled;

/**
 * Applies a change that may leave the system without an active admin. Refused up front
 * when the user is the last one; and since two admins can be demoted at once on two
 * replicas (each seeing the other still active), the change is committed first and the
 * admins counted after: a change that finds none left is undone and refused. Of two
 * such changes at once, at least the later one's count sees the earlier one.
 */
async function changeGuardingLastAdmin(
  deps: IdentityDeps,
  id: string,
  decide: (current: UserRecord) => UserChanges | null,
): Promise<{ before: UserRecord; after: UserRecord }> {
  const lastAdmin = () => new ConflictError('The last active admin cannot be demoted, disabled or deleted');
  const changed = await deps.users.change(id, async (current) => {
    const changes = decide(current);
    const next = { ...current, ...changes };
    if (changes && isActiveAdmin(current) && !isActiveAdmin(next) && (await otherActiveAdmins(deps, id)) === 0) throw lastAdmin();
    return changes;
  });
  if (!changed) throw new NotFoundError('User not found');
  const { before, after } = changed;
  if (isActiveAdmin(before) && !isActiveAdmin(after) && (await otherActiveAdmins(deps, id)) === 0) {
    await deps.users.change(id, async () => ({ role: before.role, disabled: before.disabled }));
    throw lastAdmin();
  }
  return changed;
}

export async function updateUser(
  deps: IdentityDeps,
  caller: Caller,
  input: { id: string; name?: string; role?: string; disabled?: boolean; passwordLogin?: boolean },
): Promise<UserView> {
  const name = input.name === undefined ? undefined : parseName(input.name);
  const role = input.role === undefined ? undefined : parseRole(input.role);
  const wanted: UserChanges = { name, role, disabled: input.disabled, passwordLogin: input.passwordLogin };
  const { before, after } = await changeGuardingLastAdmin(deps, input.id, (current) => {
    const changes = Object.fromEntries(
      Object.entries(wanted).filter(([field, value]) => value !== undefined && value !== current[field as keyof UserChanges]),
    );
    return Object.keys(changes).length > 0 ? changes : null;
  });

  const roleChanged = before.role !== after.role;
  const disabled = after.disabled && !before.disabled;
  let sessionsRevoked = 0;
  if (roleChanged || disabled) {
    // The sessions carry the role they were opened with; they end with it.
    sessionsRevoked = await deps.sessions.revokeAllOfUser(after.id, roleChanged ? 'role_changed' : 'user_disabled');
  }
  if (before.name !== after.name) await deps.sessions.copyUser(after.id, after);

  const resource = { type: 'user', id: after.id };
  if (roleChanged) {
    await deps.audit.emit(
      { action: 'user.role_changed', resource, details: { from: before.role, to: after.role, sessions_revoked: sessionsRevoked } },
      caller,
    );
  }
  const changed = (['name', 'disabled', 'passwordLogin'] as const).filter((field) => before[field] !== after[field]);
  if (changed.length > 0) {
    await deps.audit.emit(
      {
        action: 'user.updated',
        resource,
        details: {
          changed: changed.map((field) => (field === 'passwordLogin' ? 'password_login' : field)),
          disabled: after.disabled,
          password_login: after.passwordLogin,
          ...(disabled ? { sessions_revoked: sessionsRevoked } : {}),
        },
      },
      caller,
    );
  }
  return view(deps, after);
}

/** An active admin is disabled first (guarded like any demotion), then deleted. */
export async function deleteUser(deps: IdentityDeps, caller: Caller, id: string): Promise<void> {
  const { before: user } = await changeGuardingLastAdmin(deps, id, (current) => (isActiveAdmin(current) ? { disabled: true } : null));
  if (!(await deps.users.remove(user.id))) throw new NotFoundError('User not found');
  await Promise.all([
    deps.sessions.removeAllOfUser(user.id),
    deps.refreshTokens.removeAllOfUser(user.id),
    deps.loginFailures.removeAllOfUser(user.id),
    deps.lastLogins.remove(user.id),
    deps.knownDevices.removeAllOfUser(user.id),
    deps.passkeys.removeAllOfUser(user.id),
  ]);
  await deps.audit.emit(
    { action: 'user.deleted', resource: { type: 'user', id: user.id }, details: { email: user.email, role: user.role } },
    caller,
  );
}

/**
 * An admin sets a temporary password: every session of the user ends, a lockout ends, and
 * the next password sign-in must choose a new one (login's new_password). Audited; the
 * account is mailed (the admin tells the password by other means).
 */
export async function setTemporaryPassword(deps: IdentityDeps, caller: Caller, input: { id: string; password: string }): Promise<UserView> {
  checkPasswordPolicy(input.password);
  const passwordHash = await deps.passwords.hash(input.password);
  const changed = input.id ? await deps.users.change(input.id, async () => ({ passwordHash, mustChangePassword: true })) : null;
  if (!changed) throw new NotFoundError('User not found');
  const { after } = changed;
  const revoked = await deps.sessions.revokeAllOfUser(after.id, 'temporary_password');
  await endSeries(deps, after.id, 'unlock');
  await deps.audit.emit(
    { action: 'user.password_set', resource: { type: 'user', id: after.id }, details: { temporary: true, sessions_revoked: revoked } },
    caller,
  );
  await deps.mailer.send(after.email, 'temporary_password', { at: after.updatedAt.toISOString() });
  return view(deps, after);
}

export async function unlockUser(deps: IdentityDeps, caller: Caller, id: string): Promise<UserView> {
  const user = await mustFind(deps, id);
  const wasLocked = await isLocked(deps, user.id);
  await endSeries(deps, user.id, 'unlock');
  await deps.audit.emit({ action: 'user.unlocked', resource: { type: 'user', id: user.id }, details: { was_locked: wasLocked } }, caller);
  return viewOf(user, false, null);
}

/**
 * First start: creates the configured admin when no admin exists at all. Once any
 * admin exists (even a disabled one) this never runs again.
 */
export async function bootstrapAdmin(deps: IdentityDeps, input: { email: string; password: string }): Promise<void> {
  if ((await deps.users.admins()).length > 0) return;
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
