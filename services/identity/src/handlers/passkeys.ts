import type { IdentityDeps } from '../domain/deps.js';
import {
  deletePasskey,
  listPasskeys,
  passkeyRegistrationOptions,
  passkeySignInOptions,
  verifyPasskeyRegistration,
  verifyPasskeySignIn,
  type PasskeyView,
} from '../domain/passkeys.js';
import { authResultMessage, type Handlers } from './messages.js';

const passkeyMessage = (p: PasskeyView) => ({
  id: p.id,
  name: p.name,
  created_at: p.createdAt.toISOString(),
  last_used_at: p.lastUsedAt?.toISOString() ?? '',
  device_type: p.deviceType,
  backed_up: p.backedUp,
});

export function passkeyHandlers(
  deps: IdentityDeps,
): Pick<
  Handlers,
  | 'PasskeyRegistrationOptions'
  | 'VerifyPasskeyRegistration'
  | 'PasskeySignInOptions'
  | 'VerifyPasskeySignIn'
  | 'ListPasskeys'
  | 'DeletePasskey'
> {
  return {
    async PasskeyRegistrationOptions(_req, ctx) {
      return { options_json: JSON.stringify(await passkeyRegistrationOptions(deps, ctx)) };
    },

    async VerifyPasskeyRegistration(req, ctx) {
      return passkeyMessage(await verifyPasskeyRegistration(deps, ctx, { responseJson: req.response_json, name: req.name }));
    },

    async PasskeySignInOptions() {
      return { options_json: JSON.stringify(await passkeySignInOptions(deps)) };
    },

    async VerifyPasskeySignIn(req, ctx) {
      return authResultMessage(await verifyPasskeySignIn(deps, ctx, { responseJson: req.response_json }));
    },

    async ListPasskeys(_req, ctx) {
      return { items: (await listPasskeys(deps, ctx)).map(passkeyMessage) };
    },

    async DeletePasskey(req, ctx) {
      await deletePasskey(deps, ctx, req.id);
      return {};
    },
  };
}
