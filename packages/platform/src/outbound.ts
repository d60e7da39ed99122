import dns from 'node:dns';
import type { LookupFunction } from 'node:net';
import ipaddr from 'ipaddr.js';
import { ValidationError } from './errors.js';

/**
 * The one guard for URLs Tollgate sends requests to on someone's say-so (provider base URLs
 * today, webhooks later): a stored secret or a request must never be steered at Tollgate's own
 * network. Outside development only https to public addresses is allowed; `allowPrivate` (the
 * dev stack and tests, whose stand-ins listen on loopback) also allows private targets, and
 * plain http to them.
 */
export interface OutboundPolicy {
  allowPrivate: boolean;
}

/** Names that always mean this machine, whatever DNS says. */
const LOCAL_NAMES = /(^|\.)localhost\.?$/i;

/** A public unicast address: not loopback, private, link-local, CGNAT, multicast, reserved or unspecified. */
export function isPublicAddress(address: string): boolean {
  if (!ipaddr.isValid(address)) return false;
  return ipaddr.process(address).range() === 'unicast';
}

/** A host that names this machine or a non-public literal address (a URL's hostname, brackets and all). */
export function isInternalHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '');
  return LOCAL_NAMES.test(host) || (ipaddr.isValid(host) && !isPublicAddress(host));
}

/**
 * An absolute http(s) URL without credentials, query or fragment that the policy allows,
 * normalised without a trailing slash. `field` names it in the 400.
 */
export function checkOutboundUrl(raw: string, policy: OutboundPolicy, field: string): string {
  const problem = (msg: string) => new ValidationError(`${field} ${msg}`, { [field]: msg });
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw problem('must be an absolute URL');
  }
  const internal = isInternalHost(url.hostname);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && internal && policy.allowPrivate)) throw problem('must use https');
  if (url.username || url.password || url.search || url.hash) throw problem('must not carry credentials, a query or a fragment');
  if (internal && !policy.allowPrivate) throw problem('must not point at a loopback, private or link-local address');
  return url.toString().replace(/\/+$/, '');
}

/**
 * A `lookup` for outbound agents that refuses to connect to a non-public address unless the
 * policy allows it: a public name that resolves (or is re-pointed) to an internal address
 * is refused at connect time, not only when the URL was saved. (Node does not look up
 * literal addresses: check those with isInternalHost before connecting.)
 */
export function guardedLookup(policy: OutboundPolicy): LookupFunction {
  return (hostname, options, callback) => {
    dns.lookup(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) {
        callback(err, '', 4);
        return;
      }
      const allowed = policy.allowPrivate ? addresses : addresses.filter((a) => isPublicAddress(a.address));
      if (allowed.length === 0) {
        const refused = Object.assign(new Error(`${hostname} resolves only to non-public addresses`), { code: 'ENOTFOUND' });
        callback(refused, '', 4);
        return;
      }
      if (options.all) {
        callback(null, allowed, 4);
        return;
      }
      callback(null, allowed[0].address, allowed[0].family);
    });
  };
}
