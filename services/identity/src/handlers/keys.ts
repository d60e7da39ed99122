import type { IdentityDeps } from '../domain/deps.js';
import { assertAdmin } from '../domain/access.js';
import type { Handlers } from './messages.js';

export function keyHandlers(deps: IdentityDeps): Pick<Handlers, 'GetJwks' | 'RotateSigningKey'> {
  return {
    // Public keys only; any authenticated caller (the gateway serves them to anyone).
    async GetJwks() {
      return { keys: await deps.signer.jwks() };
    },

    async RotateSigningKey(_req, ctx) {
      assertAdmin(ctx.principal);
      const jwk = await deps.signer.rotate();
      await deps.audit.emit({ action: 'identity.signing_key.rotated', resource: { type: 'signing_key', id: jwk.kid } }, ctx);
      return jwk;
    },
  };
}
