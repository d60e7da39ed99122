import type { IdentityDeps } from '../domain/deps.js';
import type { Handlers } from './messages.js';

export function keyHandlers(deps: IdentityDeps): Pick<Handlers, 'GetJwks' | 'RotateSigningKey'> {
  return {
    // Public keys only (the gateway serves them to anyone).
    async GetJwks() {
      return { keys: await deps.signer.jwks() };
    },

    async RotateSigningKey(_req, ctx) {
      const jwk = await deps.signer.rotate();
      await deps.audit.emit({ action: 'identity.signing_key.rotated', resource: { type: 'signing_key', id: jwk.kid } }, ctx);
      return jwk;
    },
  };
}
