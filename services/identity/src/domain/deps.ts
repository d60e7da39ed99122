import type { AuditEmitter } from '@tollgate/platform';
import type { Logger } from 'pino';
import type { PasswordHasher } from './passwords.js';
import type { Mailer } from './mail.js';
import type {
  LoginFailureRepository,
  EmailLinkRepository,
  KnownDeviceRepository,
  LastLoginRepository,
  RefreshTokenRepository,
  SessionRepository,
  UserRepository,
} from './repositories.js';
import type { Signer } from './signing-keys.js';

export interface IdentitySettings {
  accessTtlSeconds: number;
  refreshTtlSeconds: number;
  lockoutThreshold: number;
  /** 0: a lock lasts until an admin unlocks the account. */
  lockoutSeconds: number;
  /** Keys the digest the audit log keeps of a login "email" that is not an email (it may be a password typed in the wrong field). */
  auditDigest: (text: string) => string;
  /** Where people open Tollgate: links in mails point here. */
  publicUrl: string;
  magicLinkTtlSeconds: number;
  passwordResetTtlSeconds: number;
}

/** Everything the use-cases work with, built once in app.ts. */
export interface IdentityDeps {
  users: UserRepository;
  loginFailures: LoginFailureRepository;
  sessions: SessionRepository;
  refreshTokens: RefreshTokenRepository;
  emailLinks: EmailLinkRepository;
  lastLogins: LastLoginRepository;
  knownDevices: KnownDeviceRepository;
  mailer: Mailer;
  passwords: PasswordHasher;
  signer: Signer;
  audit: AuditEmitter;
  log: Logger;
  settings: IdentitySettings;
}
