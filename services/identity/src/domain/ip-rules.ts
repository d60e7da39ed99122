import {
  ADMIN_ROUTE_SCOPES,
  canonicalCidr,
  ConflictError,
  IP_RULE_ACTIONS,
  IP_RULE_SCOPES,
  IpRules,
  MAX_DESCRIPTION_LENGTH,
  NotFoundError,
  timeOrderedId,
  validText,
  ValidationError,
  type Caller,
  type IpRuleAction,
  type IpRuleScope,
} from '@tollgate/platform';
import type { IdentityDeps } from './deps.js';
import type { IpRuleRecord } from './records.js';

/** The rules and the version they are: the version is read first, so a change made in between shows as a newer one later. */
export async function listIpRules(deps: IdentityDeps): Promise<{ items: IpRuleRecord[]; version: string }> {
  const version = await deps.ipRules.version();
  return { items: await deps.ipRules.list(), version };
}

export function ipRulesVersion(deps: IdentityDeps): Promise<string> {
  return deps.ipRules.version();
}

const oneOf = <T extends string>(values: readonly T[], value: string): value is T => (values as readonly string[]).includes(value);

/**
 * Adds a rule. One that would refuse the caller's own IP on admin routes (a deny matching it,
 * or an allow list it is not on, in scope all or admin) is a conflict unless forced: an admin
 * must not lock themself out by a slip. Audited with what the rule says.
 */
export async function createIpRule(
  deps: IdentityDeps,
  caller: Caller,
  input: { cidr: string; action: string; scope: string; description: string; force: boolean },
): Promise<IpRuleRecord> {
  const cidr = canonicalCidr(input.cidr);
  if (!cidr) throw new ValidationError('Invalid IP rule', { cidr: 'must be an IPv4 or IPv6 address or CIDR (e.g. 203.0.113.0/24)' });
  if (!oneOf<IpRuleAction>(IP_RULE_ACTIONS, input.action))
    throw new ValidationError('Invalid IP rule', { action: `must be one of: ${IP_RULE_ACTIONS.join(', ')}` });
  if (!oneOf<IpRuleScope>(IP_RULE_SCOPES, input.scope))
    throw new ValidationError('Invalid IP rule', { scope: `must be one of: ${IP_RULE_SCOPES.join(', ')}` });
  const rule: IpRuleRecord = {
    id: timeOrderedId('ipr'),
    cidr,
    action: input.action,
    scope: input.scope,
    description: validText(input.description, 'description', { required: false, max: MAX_DESCRIPTION_LENGTH }),
    createdAt: new Date(),
    createdBy: `${caller.principal.type}:${caller.principal.id}`,
  };
  if (!input.force && rule.scope !== 'proxy' && caller.ip !== undefined) {
    const after = new IpRules([...(await deps.ipRules.list()), rule]);
    if (after.refuses(caller.ip, ADMIN_ROUTE_SCOPES))
      throw new ConflictError(
        `This rule would refuse your own IP address (${caller.ip}) on admin routes; send force: true to add it anyway`,
        {
          ip: caller.ip,
        },
      );
  }
  await deps.ipRules.insert(rule);
  await deps.ipRules.changed();
  await deps.audit.emit(
    {
      action: 'ip_rule.created',
      resource: { type: 'ip_rule', id: rule.id },
      details: { cidr: rule.cidr, action: rule.action, scope: rule.scope, forced: input.force },
    },
    caller,
  );
  return rule;
}

export async function deleteIpRule(deps: IdentityDeps, caller: Caller, id: string): Promise<void> {
  const rule = await deps.ipRules.remove(id);
  if (!rule) throw new NotFoundError('IP rule not found');
  await deps.ipRules.changed();
  await deps.audit.emit(
    { action: 'ip_rule.deleted', resource: { type: 'ip_rule', id }, details: { cidr: rule.cidr, action: rule.action, scope: rule.scope } },
    caller,
  );
}
