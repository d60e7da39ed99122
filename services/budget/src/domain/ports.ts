import type { Caller } from '@tollgate/platform';

/** The token service, as the budget service needs it: agent credentials. */
export interface CredentialIssuer {
  /** Mints the agent's tg_agt_ credential; the full token string is returned once. */
  mint(input: { agentId: string; ownerId: string; name: string }, caller: Caller): Promise<{ tokenId: string; token: string }>;
  revoke(tokenId: string, caller?: Caller): Promise<void>;
}

/** The provider-key service, as the budget service needs it: IP tokens for handshakes. */
export interface IpTokenIssuer {
  issue(
    input: { agentId: string; provider: string; ttlSeconds: number; notAfter: Date },
    caller: Caller,
  ): Promise<{ ipToken: string; expiresAt: Date }>;
}

/** The identity service, as the budget service needs it: whether a user exists (to make them a project member). */
export interface UserDirectory {
  exists(userId: string, caller: Caller): Promise<boolean>;
}
