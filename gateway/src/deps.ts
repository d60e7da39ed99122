import type { Registry } from 'prom-client';
import type { Logger } from '@tollgate/platform';
import type { Authenticator } from './auth/authenticate.js';
import type { GatewayAudit } from './audit-sink.js';
import type { Clients } from './clients.js';
import type { GatewayConfig } from './config.js';
import type { IpRuleMirror } from './http/ip-filter.js';
import type { Limiters } from './rate-limit/limiters.js';
import type { CallLimits } from './proxy/call-limits.js';
import type { Escrows } from './proxy/escrows.js';
import type { KeyCache } from './proxy/key-cache.js';
import type { PriceMirror } from './proxy/price-mirror.js';

/** Everything route modules may use. Built once in app.ts. */
export interface GatewayDeps {
  config: GatewayConfig;
  log: Logger;
  clients: Clients;
  auth: Authenticator;
  limiters: Limiters;
  audit: GatewayAudit;
  registry: Registry;
  /** The IP rules in force (the identity service's, polled). */
  ipRules: IpRuleMirror;
  /** The provider proxy's decrypted-key cache, price table, agents' escrows and per-agent call limits. */
  proxy: { keys: KeyCache; prices: PriceMirror; escrows: Escrows; limits: CallLimits };
}
