import { createHash } from 'node:crypto';
import { flatten, type ChainedEvent, type ChainHead, type EventInput } from './event.js';

/** The prev_hash of the first event. */
export const GENESIS_HASH = '0'.repeat(64);
export const GENESIS: ChainHead = { seq: 0, hash: GENESIS_HASH };

/** Bump when the serialisation changes; it is part of every hashed record. */
const FORMAT_VERSION = 1;

/**
 * Deterministic JSON: object keys sorted at every depth, no whitespace. Only JSON
 * values are allowed (a non-finite number or a non-plain value is a programming error).
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return JSON.stringify(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError('canonicalJson: non-finite number');
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object' && [Object.prototype, null].includes(Object.getPrototypeOf(value) as object | null)) {
    const obj = value as Record<string, unknown>;
    const keys = Object.keys(obj)
      .filter((k) => obj[k] !== undefined)
      .sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`).join(',')}}`;
  }
  throw new TypeError(`canonicalJson: unsupported value of type ${typeof value}`);
}

/**
 * The exact bytes an event's hash covers: every field, its place in the chain (seq)
 * and the hash of its predecessor, as a flat canonical JSON object. `at` is in
 * millisecond ISO form, which is what the database keeps.
 */
export function canonicalRecord(e: Omit<ChainedEvent, 'hash'>): string {
  return canonicalJson({ v: FORMAT_VERSION, ...flatten(e), at: e.at.toISOString() });
}

export function hashRecord(e: Omit<ChainedEvent, 'hash'>): string {
  return createHash('sha256').update(canonicalRecord(e), 'utf8').digest('hex');
}

/** Appends an event after `head`: the next seq, linked to head's hash, sealed with its own. */
export function link(head: ChainHead, e: EventInput): ChainedEvent {
  const unsealed = { ...e, seq: head.seq + 1, prev_hash: head.hash };
  return { ...unsealed, hash: hashRecord(unsealed) };
}

export type ChainFault = 'hash_mismatch' | 'seq_gap' | 'prev_hash_mismatch' | 'malformed';

/**
 * Walks a chain one event at a time in seq order, starting after `anchor`. Each event
 * must come right after the previous one (seq + 1, so a deleted event is a gap), point
 * at its hash (so a swapped or re-ordered event breaks the link) and hash to its own
 * stored hash (so a modified event is caught).
 */
export class ChainWalker {
  private prev: ChainHead;

  constructor(anchor: ChainHead) {
    this.prev = anchor;
  }

  /** Checks the next event; returns the fault, or null when it belongs where it is. */
  step(e: ChainedEvent): ChainFault | null {
    let fault: ChainFault | null = null;
    if (!Number.isSafeInteger(e.seq) || !(e.at instanceof Date) || Number.isNaN(e.at.getTime())) fault = 'malformed';
    else if (e.seq !== this.prev.seq + 1) fault = 'seq_gap';
    else if (e.prev_hash !== this.prev.hash) fault = 'prev_hash_mismatch';
    else if (safeHash(e) !== e.hash) fault = 'hash_mismatch';
    this.prev = { seq: e.seq, hash: e.hash };
    return fault;
  }
}

function safeHash(e: ChainedEvent): string | null {
  try {
    return hashRecord(e);
  } catch {
    return null;
  }
}
