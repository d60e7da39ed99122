import { loadConfig as gatewayConfig } from '../../../gateway/src/config.js';
import { loadConfig as auditConfig } from '../../../services/audit/src/config.js';
import { loadConfig as budgetConfig } from '../../../services/budget/src/config.js';
import { loadConfig as identityConfig } from '../../../services/identity/src/config.js';
import { loadConfig as providerKeyConfig } from '../../../services/provider-key/src/config.js';
import { loadConfig as tokenConfig } from '../../../services/token/src/config.js';
import type { Deployable } from './k8s.js';

/** Each process's own start-up validation: what a chart or compose file gives it must pass. */
export const loaders: Record<Deployable, (env: NodeJS.ProcessEnv) => unknown> = {
  gateway: gatewayConfig,
  identity: identityConfig,
  token: tokenConfig,
  budget: budgetConfig,
  'provider-key': providerKeyConfig,
  audit: auditConfig,
};
