/** The records of the identity service, as repositories hand them to use-cases: plain objects, never mongoose documents. */
import type { IpRuleSpec, Role } from '@tollgate/platform';

export interface UserRecord {
  id: string;
  email: string;
  /** As given; empty when none was (the email's local part is shown instead). */
  name: string;
  role: Role;
  disabled: boolean;
  passwordHash: string;
  /** false: this user signs in without a password (links, passkeys), whatever it knows. */
  passwordLogin: boolean;
  /** Set with a temporary password: the next password sign-in must choose a new one. */
  mustChangePassword: boolean;
  createdAt: Date;
  updatedAt: Date;
  /** 1 at creation; each change commits the next revision. */
  rev: number;
  /** The user's place in creation order (1, 2, …), which lists page by. */
  seq: number;
}

/** What a change can alter; every revision carries all of it. */
export type UserChanges = Partial<
  Pick<UserRecord, 'email' | 'name' | 'role' | 'disabled' | 'passwordHash' | 'passwordLogin' | 'mustChangePassword'>
>;

export interface NewUser {
  email: string;
  name: string;
  role: Role;
  passwordHash: string;
}

/** How many users one list bucket holds: a list reads whole buckets by equality. */
export const USER_BUCKET_SIZE = 64;

/**
 * What a session remembers of its user. Role changes and disabling revoke every
 * session of the user, and name changes are copied here, so CheckSession (the
 * gateway's hot path) answers from the session and its revocation.
 */
export interface SessionUser {
  email: string;
  name: string;
  role: Role;
  createdAt: Date;
}

export interface SessionRecord {
  id: string;
  userId: string;
  user: SessionUser;
  createdAt: Date;
  lastUsedAt: Date;
  /** When the current refresh token stops working. */
  expiresAt: Date;
  revokedAt: Date | null;
  revokeReason: string | null;
  ip: string;
  userAgent: string;
}

export interface NewSession {
  id: string;
  userId: string;
  user: SessionUser;
  expiresAt: Date;
  ip: string;
  userAgent: string;
}

/**
 * One refresh token of a session's family, known only by its SHA-256 digest: the
 * session's generation 1 is issued at login, and each refresh issues the next one.
 * Only the latest generation may be refreshed; presenting an earlier one (its
 * successor exists) means it was copied, and the session is revoked.
 */
export interface RefreshTokenRecord {
  digest: string;
  sessionId: string;
  userId: string;
  generation: number;
  /** The CSRF token issued with this refresh token, which the cookie flow must send back. */
  csrfDigest: string;
  issuedAt: Date;
  expiresAt: Date;
}

/** What fills a login-failure slot: a counted failure, or what ends a series of them. */
export type SlotKind = 'failure' | 'success' | 'unlock';

/** The last slot taken in a user's latest series of failed logins. */
export interface SlotRecord {
  series: number;
  n: number;
  kind: SlotKind;
  at: Date;
}

/** The public half of an ES256 key, as a JWK. */
export interface PublicJwk {
  kty: 'EC';
  crv: 'P-256';
  x: string;
  y: string;
}

/** AES-256-GCM ciphertext of the PKCS#8 private key; the kid is the associated data. */
export interface SealedKey {
  iv: string;
  data: string;
  tag: string;
}

export interface SigningKeyRecord {
  kid: string;
  status: 'active' | 'retired';
  publicJwk: PublicJwk;
  /** Null once retired: a retired key only verifies, so its private half is dropped. */
  sealedPrivateKey: SealedKey | null;
  createdAt: Date;
  retiredAt: Date | null;
}

/** What a single-use secret is for: a mailed link, or a WebAuthn ceremony's challenge. */
export type SingleUsePurpose = 'sign_in' | 'password_reset' | 'email_change' | 'passkey_registration' | 'passkey_sign_in';

export interface SingleUseRecord {
  /** sha256 of the secret (a link's token, a challenge). */
  digest: string;
  purpose: SingleUsePurpose;
  /** Empty for a passkey sign-in's challenge: whose it is shows only when it is answered. */
  userId: string;
  expiresAt: Date;
  /** An email change's new address. */
  data?: string;
}

/** A WebAuthn credential (a passkey) registered to a user. */
export interface PasskeyRecord {
  /** The credential id, base64url. */
  id: string;
  userId: string;
  name: string;
  /** The COSE public key, base64url. */
  publicKey: string;
  /** The authenticator's signature counter as last seen (0: it does not count). */
  counter: number;
  transports: string[];
  /** Synced between devices (multiDevice) or bound to one (singleDevice). */
  deviceType: string;
  backedUp: boolean;
  createdAt: Date;
  lastUsedAt: Date | null;
}

/** An admin's rule on which client IPs may reach the gateway's routes. */
export interface IpRuleRecord extends IpRuleSpec {
  id: string;
  description: string;
  createdAt: Date;
  /** The principal (type:id) who made it. */
  createdBy: string;
}
