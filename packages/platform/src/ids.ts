import { randomBytes } from 'node:crypto';

/** Random bits drawn in blocks, as crypto.randomUUID does: one call into the CSPRNG per 512 ids (a proxied call makes one). */
const RANDOM_BLOCK_BYTES = 4_096;
let randomBlock = Buffer.alloc(0);
let randomOffset = 0;

function randomHex(bytes: number): string {
  if (randomOffset + bytes > randomBlock.length) {
    randomBlock = randomBytes(RANDOM_BLOCK_BYTES);
    randomOffset = 0;
  }
  randomOffset += bytes;
  return randomBlock.toString('hex', randomOffset - bytes, randomOffset);
}

/** Ids that sort by creation time: `<prefix>_`, base36 milliseconds, then 64 random bits; lists page by them. */
export function timeOrderedId(prefix: string, now = Date.now()): string {
  return `${prefix}_${now.toString(36).padStart(9, '0')}${randomHex(8)}`;
}

export function isTimeOrderedId(prefix: string, value: string): boolean {
  return value.startsWith(`${prefix}_`) && /^[0-9a-z]{9}[0-9a-f]{16}$/.test(value.slice(prefix.length + 1));
}

/**
 * A proxied call's hold id. The gateway names the hold it asks for, so that it can release
 * a hold whose answer it never got (a deadline, a budget replica gone mid-call).
 */
export const newHoldId = (now?: number): string => timeOrderedId('hld', now);
