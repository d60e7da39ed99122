import type { AuditEmitter } from '@tollgate/platform';
import type { Logger } from 'pino';
import type { PasswordHasher } from './passwords.js';
import type { Mailer } from './mail.js';
import type { IdentityMetrics } from './metrics.js';
import type {
  IpRuleRepository,
  KnownDeviceRepository,
  LastLoginRepository,
  LoginFailureRepository,
  PasskeyRepository,
  RefreshTokenRepository,
  SessionRepository,
  SettingsRepository,
  SingleUseRepository,
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
  emailChangeTtlSeconds: number;
  /** The passkeys' relying party. */
  webauthn: { rpId: string; rpName: string; origins: string[]; challengeTtlSeconds: number };
}

/** Everything the use-cases work with, built once in app.ts. */
export interface IdentityDeps {
  users: UserRepository;
  loginFailures: LoginFailureRepository;
  sessions: SessionRepository;
  refreshTokens: RefreshTokenRepository;
  emailLinks: SingleUseRepository;
  /** WebAuthn ceremonies' challenges. */
  challenges: SingleUseRepository;
  lastLogins: LastLoginRepository;
  knownDevices: KnownDeviceRepository;
  passkeys: PasskeyRepository;
  /** Installation-wide settings admins change at run time. */
  installation: SettingsRepository;
  ipRules: IpRuleRepository;
  mailer: Mailer;
  passwords: PasswordHasher;
  signer: Signer;
  audit: AuditEmitter;
  log: Logger;
  metrics: IdentityMetrics;
  settings: IdentitySettings;
}
