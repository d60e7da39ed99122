import { Option, type Command } from 'commander';
import type { CliContext, ContextOf } from '../context.js';
import { when } from '../output.js';
import { calls } from '../operations.js';

/** How people sign in to the installation. */
interface SignInSettings {
  /** false: no password signs anyone in (mailed links and passkeys do). */
  password_login: boolean;
  /** null: never changed. */
  updated_at: string | null;
}

/** Shows the sign-in settings, after changing them with --passwords. */
async function signIn(ctx: CliContext, opts: { passwords?: 'on' | 'off' }): Promise<void> {
  const client = await ctx.client();
  const s =
    opts.passwords === undefined
      ? await client.call<SignInSettings>('GET', '/v1/settings/sign-in')
      : await client.call<SignInSettings>('PATCH', '/v1/settings/sign-in', { body: { password_login: opts.passwords === 'on' } });
  ctx.out.result(s, () =>
    ctx.out.fields([
      ['Passwords', s.password_login ? 'on' : 'off (people sign in with a mailed link or a passkey)'],
      ['Updated', when(s.updated_at, 'never')],
    ]),
  );
}

export function registerSettingsCommands(program: Command, contextOf: ContextOf): void {
  const settings = program.command('settings').description('settings of the whole installation (admins)');

  calls(settings.command('sign-in'), 'GET /v1/settings/sign-in')
    .description('show how people sign in; --passwords turns passwords on or off for everyone (admins)')
    .addOption(
      calls(
        new Option(
          '--passwords <on|off>',
          'off: no password signs anyone in, a mailed link or a passkey does (needs SMTP configured on the gateway)',
        ).choices(['on', 'off']),
        'PATCH /v1/settings/sign-in',
      ),
    )
    .action((opts: Parameters<typeof signIn>[1], cmd: Command) => signIn(contextOf(cmd), opts));
}
