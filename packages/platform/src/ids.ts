import { randomBytes } from 'node:crypto';

/** Ids that sort by creation time: `<prefix>_`, base36 milliseconds, then 64 random bits; lists page by them. */
export function timeOrderedId(prefix: string, now = Date.now()): string {
  return `${prefix}_${now.toString(36).padStart(9, '0')}${randomBytes(8).toString('hex')}`;
}

export function isTimeOrderedId(prefix: string, value: string): boolean {
  return value.startsWith(`${prefix}_`) && /^[0-9a-z]{9}[0-9a-f]{16}$/.test(value.slice(prefix.length + 1));
}

/**
 * A proxied call's hold id. The gateway names the hold it asks for, so that it can release
 * a hold whose answer it never got (a deadline, a budget replica gone mid-call).
 */
export const newHoldId = (now?: number): string => timeOrderedId('hld', now);
