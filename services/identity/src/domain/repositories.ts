import type {
  IpRuleRecord,
  NewSession,
  NewUser,
  PasskeyRecord,
  PublicJwk,
  RefreshTokenRecord,
  SealedKey,
  SessionRecord,
  SessionUser,
  SigningKeyRecord,
  SingleUseRecord,
  SlotKind,
  SlotRecord,
  UserChanges,
  UserRecord,
} from './records.js';

/**
 * Users, each at its latest committed revision. Every change commits the next revision
 * exactly once: of two writers (any replicas) changing one user from the same revision
 * one commits and the other decides again on top of it, so no change is undone by another.
 */
export interface UserRepository {
  /** Resolves once the indexes (the unique email) exist. */
  ready(): Promise<void>;
  /** Stores a new user at the next place in creation order; a taken email is a ConflictError. */
  create(input: NewUser): Promise<UserRecord>;
  findById(id: string): Promise<UserRecord | null>;
  findByEmail(email: string): Promise<UserRecord | null>;
  /** The highest place in creation order taken so far (0: none). */
  lastSeq(): Promise<number>;
  /** One bucket of users (seq / USER_BUCKET_SIZE = bucket) as the read model has them, in no order. */
  bucket(bucket: number): Promise<UserRecord[]>;
  /** The users at their latest revisions (one lookup each: the read model may lag a change in flight). */
  current(users: UserRecord[]): Promise<UserRecord[]>;
  /** Every admin, enabled or not. */
  admins(): Promise<UserRecord[]>;
  /**
   * Commits the next revision of a user with the changes `decide` returns for its
   * latest revision (null: nothing to change). A revision taken first by another
   * writer makes it decide again on top of that one. null when the user does not exist.
   */
  change(
    id: string,
    decide: (current: UserRecord) => Promise<UserChanges | null>,
  ): Promise<{ before: UserRecord; after: UserRecord } | null>;
  /** Deletes the user and its revisions; false when there was no such user. */
  remove(id: string): Promise<boolean>;
}

/**
 * Sessions and their revocations. A revocation is committed once and never undone; the
 * rest of a session (last use, expiry, the user's name) may lose a concurrent write,
 * which the next check, refresh or rename writes again.
 */
export interface SessionRepository {
  ready(): Promise<void>;
  create(input: NewSession): Promise<SessionRecord>;
  /** The session with its revocation; null when there is no such session. */
  findById(id: string): Promise<SessionRecord | null>;
  /** The user's sessions that still work, newest first. */
  listLive(userId: string, now?: Date): Promise<SessionRecord[]>;
  /** How many sessions still work (neither expired nor revoked). */
  countLive(now?: Date): Promise<number>;
  touch(id: string, at: Date): Promise<void>;
  /** After a refresh: the session lasts as long as its new refresh token. */
  renew(id: string, changes: { expiresAt: Date; at: Date }): Promise<void>;
  /** Revokes one session; false when it was already revoked. */
  revoke(id: string, userId: string, reason: string): Promise<boolean>;
  /** Revokes every session of a user (but `exceptId`); returns how many this call revoked. */
  revokeAllOfUser(userId: string, reason: string, exceptId?: string): Promise<number>;
  /** Copies a user's new address and name into their sessions. */
  copyUser(userId: string, user: Pick<SessionUser, 'email' | 'name'>): Promise<void>;
  /** Deletes a session and its revocation (the sweeper, once its last refresh token is long expired). */
  remove(id: string): Promise<void>;
  removeAllOfUser(userId: string): Promise<void>;
}

export interface RefreshTokenRepository {
  ready(): Promise<void>;
  /**
   * Issues a generation of a session's family. Of refreshes that present the same
   * token at once, on any replicas, exactly one issues its successor: the others find
   * that generation taken (false) and are treated as reuse.
   */
  issue(input: Omit<RefreshTokenRecord, 'issuedAt'>): Promise<boolean>;
  findByDigest(digest: string): Promise<RefreshTokenRecord | null>;
  /** Whether a later refresh replaced this generation. */
  superseded(token: Pick<RefreshTokenRecord, 'sessionId' | 'generation'>): Promise<boolean>;
  /** Generations whose expiry falls on this UTC day (days since the epoch). */
  expiringOn(day: number): Promise<RefreshTokenRecord[]>;
  removeSession(sessionId: string): Promise<void>;
  removeAllOfUser(userId: string): Promise<void>;
}

/**
 * Failed logins, counted exactly by claiming numbered slots: series s of a user is its
 * slots 1, 2, … . A failure takes the next free slot, so of any number of concurrent
 * failures (on any replicas) each takes a different slot and none is lost; whoever
 * takes slot `threshold` locks the account. A success or an unlock takes the next slot
 * too and so ends the series; the next failure opens series s + 1 at its slot 1. Slots
 * are never changed, only taken (and deleted with the user), so nothing else written
 * about the user can undo a count or a lock.
 */
export interface LoginFailureRepository {
  ready(): Promise<void>;
  /** The last slot of the user's latest series; null when the user never failed a login. */
  last(userId: string): Promise<SlotRecord | null>;
  /** Takes slot n of a series; false when another login took it first. */
  claim(userId: string, series: number, n: number, kind: SlotKind, at: Date): Promise<boolean>;
  removeAllOfUser(userId: string): Promise<void>;
}

export interface SigningKeyRepository {
  ready(): Promise<void>;
  /** Stores a new key as active. */
  create(input: { kid: string; publicJwk: PublicJwk; sealedPrivateKey: SealedKey }): Promise<SigningKeyRecord>;
  /** The newest active key (two replicas starting at once may each have made one). */
  findActive(): Promise<SigningKeyRecord | null>;
  /** Active keys, and retired ones retired after `retiredSince`: what may still verify a live token. */
  listVerifying(retiredSince: Date): Promise<SigningKeyRecord[]>;
  /** Retires every active key but `kid`, dropping their private halves; returns how many it retired. */
  retireAllExcept(kid: string): Promise<number>;
}

/** Links mailed to people (sign-in, password reset), by the digest of their token (the token itself is only in the mail). */
/** Single-use secrets: mailed links' tokens, WebAuthn challenges. */
export interface SingleUseRepository {
  ready(): Promise<void>;
  create(secret: SingleUseRecord): Promise<void>;
  find(digest: string): Promise<SingleUseRecord | null>;
  /** Uses the secret: a unique insert, so of uses racing on any replicas exactly one gets true. */
  use(secret: SingleUseRecord, at: Date): Promise<boolean>;
  /** Deletes the secrets (and their uses) that expired on the UTC day `day` (days since the epoch); the sweeper's. */
  removeExpiringOn(day: number): Promise<void>;
}

export interface PasskeyRepository {
  ready(): Promise<void>;
  /** Registers a credential; a ConflictError when that credential is registered already. */
  create(passkey: PasskeyRecord): Promise<void>;
  find(id: string): Promise<PasskeyRecord | null>;
  listOfUser(userId: string): Promise<PasskeyRecord[]>;
  /** Records a sign-in with it: when, and the counter it reported. */
  used(id: string, counter: number, at: Date): Promise<void>;
  /** Deletes a user's passkey; false when the user has no such passkey. */
  remove(id: string, userId: string): Promise<boolean>;
  removeAllOfUser(userId: string): Promise<void>;
}

/** How people may sign in to this installation, as admins set it. */
export interface SignInSettings {
  /** false: passwords are off for everyone (sign-in links and passkeys only). */
  passwordLogin: boolean;
  updatedAt: Date | null;
}

export interface SettingsRepository {
  ready(): Promise<void>;
  signIn(): Promise<SignInSettings>;
  setSignIn(settings: { passwordLogin: boolean }, at: Date): Promise<void>;
}

/** The IP rules, and the version gateways poll to learn that they changed. */
export interface IpRuleRepository {
  list(): Promise<IpRuleRecord[]>;
  insert(rule: IpRuleRecord): Promise<void>;
  /** The rule removed, or null when there was none. */
  remove(id: string): Promise<IpRuleRecord | null>;
  /** '' before the rules were ever changed. */
  version(): Promise<string>;
  /** Records that the rules changed, after the change is written. */
  changed(): Promise<void>;
}

/** When each user last signed in (a password or a link). */
export interface LastLoginRepository {
  ready(): Promise<void>;
  /** Records a sign-in; true when the user had signed in before. */
  record(userId: string, at: Date): Promise<boolean>;
  last(userId: string): Promise<Date | null>;
  remove(userId: string): Promise<void>;
}

/** The devices (IP and user agent) each user has signed in from. */
export interface KnownDeviceRepository {
  ready(): Promise<void>;
  /** True the first time the user signs in from this device. */
  remember(userId: string, deviceKey: string, at: Date): Promise<boolean>;
  removeAllOfUser(userId: string): Promise<void>;
}
