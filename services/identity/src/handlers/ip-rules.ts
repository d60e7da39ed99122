import type { IdentityDeps } from '../domain/deps.js';
import { createIpRule, deleteIpRule, ipRulesVersion, listIpRules } from '../domain/ip-rules.js';
import type { IpRuleRecord } from '../domain/records.js';
import type { Handlers } from './messages.js';

const ipRuleMessage = (r: IpRuleRecord) => ({
  id: r.id,
  cidr: r.cidr,
  action: r.action,
  scope: r.scope,
  description: r.description,
  created_at: r.createdAt.toISOString(),
  created_by: r.createdBy,
});

export function ipRuleHandlers(deps: IdentityDeps): Pick<Handlers, 'ListIpRules' | 'CreateIpRule' | 'DeleteIpRule' | 'GetIpRulesVersion'> {
  return {
    async ListIpRules() {
      const { items, version } = await listIpRules(deps);
      return { items: items.map(ipRuleMessage), version };
    },

    async CreateIpRule(req, ctx) {
      return ipRuleMessage(
        await createIpRule(deps, ctx, {
          cidr: req.cidr,
          action: req.action,
          scope: req.scope,
          description: req.description,
          force: req.force,
        }),
      );
    },

    async DeleteIpRule(req, ctx) {
      await deleteIpRule(deps, ctx, req.id);
      return {};
    },

    async GetIpRulesVersion() {
      return { version: await ipRulesVersion(deps) };
    },
  };
}
