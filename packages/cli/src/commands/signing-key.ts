import type { Command } from 'commander';
import type { CliContext, ContextOf } from '../context.js';
import { calls } from '../operations.js';

/** A public key that verifies access tokens (a JWK as the JWKS holds it). */
interface Jwk {
  kty: string;
  crv: string;
  x: string;
  y: string;
  kid: string;
  alg: string;
  use: string;
}

const COLUMNS: { header: string; value: (k: Jwk) => string }[] = [
  { header: 'KEY ID', value: (k) => k.kid },
  { header: 'ALGORITHM', value: (k) => k.alg },
  { header: 'CURVE', value: (k) => k.crv },
  { header: 'USE', value: (k) => k.use },
];

/** The JWKS is public: no login needed. */
async function list(ctx: CliContext): Promise<void> {
  const r = await (await ctx.anonymousClient()).call<{ keys: Jwk[] }>('GET', '/.well-known/jwks.json');
  ctx.out.result(r, () => {
    if (r.keys.length === 0) ctx.out.line('No signing keys.');
    else ctx.out.table(r.keys, COLUMNS);
  });
}

/** Not retried once sent: a repeat would rotate twice. Nobody is logged out, so it asks nothing. */
async function rotate(ctx: CliContext): Promise<void> {
  const k = await (await ctx.client()).call<Jwk>('POST', '/v1/auth/signing-keys/rotate', { retry: 'unsent-only' });
  ctx.out.result(k, () => {
    ctx.out.line(
      `Signing key rotated: new access tokens are signed with key ${k.kid}; ` +
        'those signed with the previous key keep working until they expire.',
    );
    ctx.out.table([k], COLUMNS);
  });
}

export function registerSigningKeyCommands(program: Command, contextOf: ContextOf): void {
  const signingKey = program.command('signing-key').description('the keys that sign access tokens (JWKS)');

  calls(signingKey.command('list'), 'GET /.well-known/jwks.json')
    .description('list the public keys that verify access tokens (the JWKS; no login needed)')
    .action((_opts: unknown, cmd: Command) => list(contextOf(cmd)));

  calls(signingKey.command('rotate'), 'POST /v1/auth/signing-keys/rotate')
    .description('sign new access tokens with a fresh key (admins); nobody is logged out')
    .action((_opts: unknown, cmd: Command) => rotate(contextOf(cmd)));
}
