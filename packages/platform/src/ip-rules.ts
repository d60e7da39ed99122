import ipaddr from 'ipaddr.js';

export const IP_RULE_ACTIONS = ['allow', 'deny'] as const;
export type IpRuleAction = (typeof IP_RULE_ACTIONS)[number];
/** all: every route but health probes; admin: the routes only admins may call; proxy: /v1/proxy/*. */
export const IP_RULE_SCOPES = ['all', 'admin', 'proxy'] as const;
export type IpRuleScope = (typeof IP_RULE_SCOPES)[number];

export interface IpRuleSpec {
  cidr: string;
  action: IpRuleAction;
  scope: IpRuleScope;
}

type Range = [ipaddr.IPv4 | ipaddr.IPv6, number];

/**
 * A CIDR in canonical form (its network address and prefix length: 10.1.2.3/8 is 10.0.0.0/8),
 * a bare address being /32 or /128; undefined when the text is neither. IPv4 only in four
 * decimal parts: `10.1` or `0x0a.0.0.1` would mean something else to the person reading it.
 */
export function canonicalCidr(text: string): string | undefined {
  const [address, bits, ...rest] = text.trim().split('/');
  if (rest.length > 0 || (bits !== undefined && !/^\d{1,3}$/.test(bits))) return undefined;
  const v4 = ipaddr.IPv4.isValidFourPartDecimal(address);
  if (!v4 && !ipaddr.IPv6.isValid(address)) return undefined;
  const prefix = bits === undefined ? (v4 ? 32 : 128) : Number(bits);
  if (prefix > (v4 ? 32 : 128)) return undefined;
  const network = (v4 ? ipaddr.IPv4 : ipaddr.IPv6).networkAddressFromCIDR(`${address}/${prefix}`);
  return `${network.toString()}/${prefix}`;
}

/** A client address as rules see it: an IPv4-mapped IPv6 address (::ffff:10.0.0.1) is its IPv4 address. */
function clientAddress(ip: string): ipaddr.IPv4 | ipaddr.IPv6 | undefined {
  return ipaddr.isValid(ip) ? ipaddr.process(ip) : undefined;
}

function inRange(addr: ipaddr.IPv4 | ipaddr.IPv6, [network, bits]: Range): boolean {
  return addr.kind() === network.kind() && (addr as ipaddr.IPv4).match(network, bits);
}

/**
 * A set of IP rules, compiled once and then only read. For a request in a scope, a matching
 * deny rule refuses it; when the scope has allow rules, an address none of them matches is
 * refused too. A request is in `all` and in each narrower scope its route belongs to, and must
 * pass every one of them. An address that cannot be parsed matches no rule.
 */
export class IpRules {
  readonly #scopes = new Map<IpRuleScope, { deny: Range[]; allow: Range[] }>();

  constructor(rules: readonly IpRuleSpec[]) {
    for (const rule of rules) {
      const range = ipaddr.parseCIDR(rule.cidr);
      let scope = this.#scopes.get(rule.scope);
      if (!scope) this.#scopes.set(rule.scope, (scope = { deny: [], allow: [] }));
      scope[rule.action].push(range);
    }
  }

  /** Do any rules apply to requests in `scope`? */
  has(scope: IpRuleScope): boolean {
    return this.#scopes.has(scope);
  }

  refuses(ip: string, scopes: readonly IpRuleScope[]): boolean {
    // Most installations have no rules: then no request pays for parsing its address.
    if (this.#scopes.size === 0) return false;
    const addr = clientAddress(ip);
    return scopes.some((name) => {
      const scope = this.#scopes.get(name);
      if (!scope) return false;
      const matches = (range: Range) => addr !== undefined && inRange(addr, range);
      return scope.deny.some(matches) || (scope.allow.length > 0 && !scope.allow.some(matches));
    });
  }
}

/** The scopes of a request to an admin route: what a rule must not refuse the admin making it. */
export const ADMIN_ROUTE_SCOPES: readonly IpRuleScope[] = ['all', 'admin'];
