import { ConflictError, type Caller } from '@tollgate/platform';
import type { IdentityDeps } from './deps.js';
import type { UserRecord } from './records.js';
import type { SignInSettings } from './repositories.js';

/** Whether a password may sign this user in: passwords are on for the installation and for the user. */
export async function passwordsAllowed(deps: IdentityDeps, user: UserRecord): Promise<boolean> {
  return user.passwordLogin && (await deps.installation.signIn()).passwordLogin;
}

export function getSignInSettings(deps: IdentityDeps): Promise<SignInSettings> {
  return deps.installation.signIn();
}

/**
 * Turns passwords on or off for everyone. Off needs mail: sign-in links are then how people
 * without a passkey get in (and how a password-less admin gets back in). Audited.
 */
export async function updateSignInSettings(deps: IdentityDeps, caller: Caller, input: { passwordLogin: boolean }): Promise<SignInSettings> {
  if (!input.passwordLogin && !deps.mailer.configured) {
    throw new ConflictError('Passwords cannot be turned off while no SMTP server is configured: nobody could get a sign-in link');
  }
  const before = await deps.installation.signIn();
  await deps.installation.setSignIn({ passwordLogin: input.passwordLogin }, new Date());
  await deps.audit.emit(
    {
      action: 'settings.sign_in.updated',
      resource: { type: 'settings', id: 'sign_in' },
      details: { password_login: input.passwordLogin, was: before.passwordLogin },
    },
    caller,
  );
  return deps.installation.signIn();
}
