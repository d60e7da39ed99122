export const ACTOR_TYPES = ['user', 'token', 'agent', 'service', 'anonymous'] as const;
export type ActorType = (typeof ACTOR_TYPES)[number];

export const OUTCOMES = ['success', 'failure', 'denied'] as const;
export type Outcome = (typeof OUTCOMES)[number];

/** Dotted lower-case segments: `auth.login.failed`, `provider_key.created`. */
export const ACTION_PATTERN = /^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*){1,5}$/;

/** A validated event as an emitter sent it, before it joins the chain. */
export interface EventInput {
  id: string;
  at: Date;
  /** The emitting service: always the verified caller, never a value from the body. */
  source: string;
  actor: { type: ActorType; id: string };
  action: string;
  resource: { type: string; id: string };
  outcome: Outcome;
  ip: string;
  user_agent: string;
  request_id: string;
  /** Canonical JSON of the details object (sorted keys, secrets redacted). */
  details_json: string;
}

/** An event in the log: its place in the chain and the hashes that seal it. */
export interface ChainedEvent extends EventInput {
  seq: number;
  prev_hash: string;
  hash: string;
}

/**
 * An event as one level of named fields: the shape it is stored in, hashed as and
 * exported as (actor and resource spread into *_type / *_id).
 */
export function flatten(e: Omit<ChainedEvent, 'hash'>) {
  return {
    id: e.id,
    seq: e.seq,
    at: e.at,
    source: e.source,
    actor_type: e.actor.type,
    actor_id: e.actor.id,
    action: e.action,
    resource_type: e.resource.type,
    resource_id: e.resource.id,
    outcome: e.outcome,
    ip: e.ip,
    user_agent: e.user_agent,
    request_id: e.request_id,
    details_json: e.details_json,
    prev_hash: e.prev_hash,
  };
}

/** Events are stored and read in pages of this many consecutive seqs. */
export const EVENTS_PER_PAGE = 256;

/** The page of a seq: seqs 1-255 are page 0, 256-511 page 1, and so on. */
export function pageOf(seq: number): number {
  return Math.floor(seq / EVENTS_PER_PAGE);
}

/** The lowest seq a page can hold. */
export function firstSeqOf(page: number): number {
  return Math.max(1, page * EVENTS_PER_PAGE);
}

/** The end of the chain: what the next event links to. */
export interface ChainHead {
  seq: number;
  hash: string;
}

export interface RecordResult {
  id: string;
  duplicate: boolean;
}

/**
 * Filters of Query and Export; every field is optional and they combine with AND. The
 * five plain fields are matched by the database, from/to in memory.
 */
export interface EventFilter {
  actorId?: string;
  action?: string;
  resourceType?: string;
  resourceId?: string;
  outcome?: Outcome;
  from?: Date;
  to?: Date;
}

/** RFC 3339 of a stored instant; empty for an unreadable one (a row altered by hand). */
export function isoOf(d: Date): string {
  return Number.isNaN(d.getTime()) ? '' : d.toISOString();
}
