import type { Credentials } from './credentials.js';
import { CliError } from './errors.js';
import { ExitCode } from './exit-codes.js';

/** The body of POST /v1/auth/login and /v1/auth/refresh. */
export interface AuthResult {
  access_token: string;
  token_type: string;
  expires_in: number;
  refresh_token: string;
  user: { id: string; email: string; name?: string; role?: string };
}

/** What to keep from a login or refresh answer; everything else (cookies, csrf) is for browsers. */
export function credentialsFrom(body: unknown, gateway: string, ca: string | undefined): Credentials {
  const r = body as Partial<AuthResult> | undefined;
  if (!r || typeof r.access_token !== 'string' || typeof r.refresh_token !== 'string' || typeof r.user?.id !== 'string') {
    throw new CliError(
      'the gateway answered the login without tokens — is --gateway a Tollgate gateway?',
      ExitCode.Unexpected,
      'bad_response',
    );
  }
  const expiresIn = typeof r.expires_in === 'number' && r.expires_in > 0 ? r.expires_in : undefined;
  return {
    version: 1,
    gateway,
    ...(ca ? { ca } : {}),
    access_token: r.access_token,
    refresh_token: r.refresh_token,
    ...(expiresIn ? { access_expires_at: new Date(Date.now() + expiresIn * 1000).toISOString() } : {}),
    user: { id: r.user.id, email: r.user.email, name: r.user.name, role: r.user.role },
  };
}
