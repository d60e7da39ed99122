import { z } from 'zod';
import { canonicalCidr, IP_RULE_ACTIONS, IP_RULE_SCOPES, RPC_CALLERS } from '@tollgate/platform';
import type { IpRule__Output } from '@tollgate/proto/gen/tollgate/identity/v1/IpRule';
import type { RouteDefiner } from './define.js';
import { descriptionField, idParams } from './fields.js';
import type { GatewayDeps } from '../deps.js';

// What the document promises is accepted: dotted-quad IPv4 (no leading zeros) or IPv6 (without an embedded IPv4
// part or a zone), each with an optional prefix length. canonicalCidr then judges it; it accepts all of these.
const OCTET = '(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)';
const IPV4 = `(${OCTET}\\.){3}${OCTET}(/(3[0-2]|[12]?\\d))?`;
const H = '[0-9a-fA-F]{1,4}';
const IPV6_ADDRESS = [
  `(${H}:){7}${H}`,
  `(${H}:){1,7}:`,
  `(${H}:){1,6}:${H}`,
  `(${H}:){1,5}(:${H}){1,2}`,
  `(${H}:){1,4}(:${H}){1,3}`,
  `(${H}:){1,3}(:${H}){1,4}`,
  `(${H}:){1,2}(:${H}){1,5}`,
  `${H}:(:${H}){1,6}`,
  `:((:${H}){1,7}|:)`,
].join('|');
const IPV6 = `(${IPV6_ADDRESS})(/(12[0-8]|1[01]\\d|[1-9]?\\d))?`;
const CIDR_PATTERN = new RegExp(`^(${IPV4}|${IPV6})$`);

const ipRuleSchema = z
  .object({
    id: z.string(),
    cidr: z
      .string()
      .openapi({ description: 'The network address and prefix length (a bare address is /32 or /128)', example: '203.0.113.0/24' }),
    action: z.enum(IP_RULE_ACTIONS),
    scope: z.enum(IP_RULE_SCOPES),
    description: z.string(),
    created_at: z.string(),
    created_by: z.string().openapi({ description: 'Who made it (type:id)' }),
  })
  .openapi('IpRule');

const toIpRule = (r: IpRule__Output) => ({
  ...r,
  action: r.action as (typeof IP_RULE_ACTIONS)[number],
  scope: r.scope as (typeof IP_RULE_SCOPES)[number],
});

const SEMANTICS =
  'A request is in scope `all` (every route but /health/*), in `admin` when only admins may call its route, and in `proxy` ' +
  'under /v1/proxy/. For each of its scopes: a deny rule matching the client IP refuses it, and when the scope has allow ' +
  'rules the IP must match one of them; a refusal is 403 ip_denied, before authentication. The client IP is the one the ' +
  'rate limits use (TRUST_PROXY). Every gateway follows a change within about a second; while identity is unreachable it ' +
  'keeps the last rules.';

export function registerIpRuleRoutes(route: RouteDefiner, deps: GatewayDeps): void {
  const identity = deps.clients.identity.call;
  const admin = { auth: 'any', tag: 'IP rules' } as const;

  route({
    ...admin,
    method: 'get',
    path: '/v1/ip-rules',
    callers: RPC_CALLERS.identity.ListIpRules,
    summary: 'List the IP allow and deny rules',
    description: SEMANTICS,
    response: z.object({ items: z.array(ipRuleSchema) }),
    handler: async ({ call }) => ({ items: (await identity.ListIpRules({}, call)).items.map(toIpRule) }),
  });

  route({
    ...admin,
    method: 'post',
    path: '/v1/ip-rules',
    callers: RPC_CALLERS.identity.CreateIpRule,
    summary: 'Add an IP allow or deny rule',
    description:
      `${SEMANTICS} A rule that would refuse your own IP on admin routes (a deny matching it, or an allow list in scope all ` +
      'or admin it is not on) is 409 unless `force: true`. Audited as ip_rule.created.',
    body: z.object({
      cidr: z
        .string()
        .max(64)
        .regex(CIDR_PATTERN, 'must be an IPv4 or IPv6 address or CIDR (e.g. 203.0.113.0/24)')
        .refine((c) => canonicalCidr(c) !== undefined, 'must be an IPv4 or IPv6 address or CIDR (e.g. 203.0.113.0/24)')
        .openapi({ description: 'IPv4 or IPv6 CIDR, or a bare address', example: '203.0.113.0/24' }),
      action: z.enum(IP_RULE_ACTIONS, `must be one of: ${IP_RULE_ACTIONS.join(', ')}`),
      scope: z.enum(IP_RULE_SCOPES, `must be one of: ${IP_RULE_SCOPES.join(', ')}`),
      description: descriptionField.optional(),
      force: z.boolean().optional().openapi({ description: 'Add it even if it refuses your own IP on admin routes' }),
    }),
    status: 201,
    response: ipRuleSchema,
    errors: [409],
    handler: async ({ body, call }) =>
      toIpRule(
        await identity.CreateIpRule(
          { cidr: body.cidr, action: body.action, scope: body.scope, description: body.description ?? '', force: body.force ?? false },
          call,
        ),
      ),
  });

  route({
    ...admin,
    method: 'delete',
    path: '/v1/ip-rules/{id}',
    callers: RPC_CALLERS.identity.DeleteIpRule,
    summary: 'Delete an IP rule',
    description: 'Audited as ip_rule.deleted.',
    params: idParams,
    status: 204,
    errors: [404],
    handler: async ({ params, call }) => {
      await identity.DeleteIpRule({ id: params.id }, call);
      return undefined;
    },
  });
}
