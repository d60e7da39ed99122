import { z } from 'zod';
import { ForbiddenError, MAX_PAGE_SIZE, type Callers, type OutgoingCall } from '@tollgate/platform';
import type { AuditEvent__Output } from '@tollgate/proto/gen/tollgate/audit/v1/AuditEvent';
import type { QueryFilter } from '@tollgate/proto/gen/tollgate/audit/v1/QueryFilter';
import type { PageRequest } from '@tollgate/proto/gen/tollgate/common/v1/PageRequest';
import { expensiveRead, type RouteDefiner } from './define.js';
import type { GatewayDeps } from '../deps.js';
import { GATEWAY, outgoing } from '../http/request-context.js';
import { eventSchema, toEvent, type ApiAuditEvent } from './audit-event.js';
import { idParams } from './fields.js';
import { agentSchema, sessionSchema, toAgent, tokenSchema, toToken, toUser, userSchema } from './schemas.js';

/** The audit events one export holds at most, over all of the user's agents. */
const MAX_EXPORT_EVENTS = 10_000;

// A whole account, its sessions among it: for people signed in, never an API token (as with listing one's sessions).
const signedIn: Callers = { people: { role: 'viewer', sessionsOnly: true } };

const exportedAgentSchema = agentSchema
  .extend({
    events: z.array(eventSchema).openapi({
      description:
        'Its audit events, newest first: about it (its record, its budget) and by it (its calls, its use of provider keys). ' +
        'The IP and user agent of anyone but the user, their API tokens and their agents are null',
    }),
  })
  .openapi('ExportedAgent');

const userExportSchema = z
  .object({
    user: userSchema,
    sessions: z.array(sessionSchema).openapi({ description: 'Their live sessions' }),
    tokens: z.array(tokenSchema).openapi({ description: "Their API tokens and their agents', of every status: never a secret" }),
    agents: z.array(exportedAgentSchema).openapi({ description: 'The agents they own, each with its audit events' }),
    truncated: z.boolean().openapi({
      description: `true: the agents' events stopped at ${MAX_EXPORT_EVENTS.toLocaleString('en')} in all, and some were left out`,
    }),
    exported_at: z.iso.datetime(),
  })
  .openapi('UserExport');

type Listed<T> = Promise<{ items: T[]; next_cursor: string }>;

/** Every item of a list, page after page. */
async function everyItem<T>(list: (page: PageRequest) => Listed<T>): Promise<T[]> {
  const items: T[] = [];
  let cursor = '';
  do {
    const page = await list({ limit: MAX_PAGE_SIZE, cursor });
    items.push(...page.items);
    cursor = page.next_cursor;
  } while (cursor);
  return items;
}

/**
 * Each agent's audit events, newest first: those about it and those by it, each once. At most
 * MAX_EXPORT_EVENTS in all: reading stops there, and the agents after get none.
 */
async function eventsOf(
  agentIds: string[],
  query: (filter: QueryFilter, page: PageRequest) => Listed<AuditEvent__Output>,
): Promise<{ events: AuditEvent__Output[][]; truncated: boolean }> {
  const events: AuditEvent__Output[][] = [];
  let left = MAX_EXPORT_EVENTS;
  let truncated = false;
  for (const id of agentIds) {
    const found = new Map<string, AuditEvent__Output>();
    for (const filter of [{ resource_id: id }, { actor_id: id }]) {
      let cursor = '';
      while (!truncated) {
        const page = await query(filter, { limit: MAX_PAGE_SIZE, cursor });
        for (const e of page.items) {
          if (found.size < left) found.set(e.id, e);
          else if (!found.has(e.id)) truncated = true;
        }
        cursor = page.next_cursor;
        if (!cursor) break;
      }
    }
    left -= found.size;
    events.push([...found.values()].sort((a, b) => b.seq - a.seq));
  }
  return { events, truncated };
}

export function registerUserExportRoutes(route: RouteDefiner, deps: GatewayDeps): void {
  const { identity, token, budget, audit } = deps.clients;

  route({
    method: 'get',
    path: '/v1/users/{id}/export',
    callers: signedIn,
    tag: 'Users',
    auth: 'any',
    summary: "Export a user's data: profile, sessions, API tokens, agents and their audit events",
    description:
      'Your own, or anyone’s for an admin (403 for anyone else). One JSON document, sent as a download (`Content-Disposition: ' +
      'attachment; filename="tollgate-user-<id>.json"`): the user as `GET /v1/users/{id}` shows them, their live sessions, their ' +
      `API tokens (never a secret) and the agents they own, each with its audit events — at most ${MAX_EXPORT_EVENTS.toLocaleString('en')} ` +
      'events in all (`truncated`). Audited `user.exported`.',
    params: idParams,
    response: userExportSchema,
    errors: [404],
    // Each export reads every page of four services.
    rateLimit: expensiveRead(deps),
    handler: async ({ params, principal, call }, req, res) => {
      const self = principal.id === params.id;
      const admin = principal.role === 'admin';
      if (!self && !admin) throw new ForbiddenError('You can only export your own data');
      const user = await identity.call.GetUser({ id: params.id }, call);
      const [sessions, tokens, agents] = await Promise.all([
        self ? identity.call.ListSessions({}, call) : identity.call.ListUserSessions({ id: user.id }, call),
        everyItem((page) => token.call.ListTokens({ page, status: '', owner_id: user.id }, call)),
        everyItem((page) => budget.call.ListAgents({ page, project_id: '' }, call)),
      ]);
      const owned = agents.filter((a) => a.owner_id === user.id);
      // Only admins read the audit log; a user's own agents' events are theirs, read for them by the gateway.
      const reader: OutgoingCall = admin ? call : outgoing(req, GATEWAY);
      const { events, truncated } = await eventsOf(
        owned.map((a) => a.id),
        (filter, page) => audit.call.Query({ filter, page }, reader),
      );
      // Who else acted on the user's agents is named, but where they acted from is theirs, not the user's data.
      const own = new Set([user.id, ...tokens.map((t) => t.id), ...owned.map((a) => a.id)]);
      const shown = (e: ApiAuditEvent): ApiAuditEvent => (own.has(e.actor.id ?? '') ? e : { ...e, ip: null, user_agent: null });
      const body: z.infer<typeof userExportSchema> = {
        user: toUser(user),
        sessions: sessions.items.map((s) => ({ ...s })),
        tokens: tokens.map(toToken),
        agents: owned.map((a, i) => ({ ...toAgent(a), events: events[i].map((e) => shown(toEvent(e))) })),
        truncated,
        exported_at: new Date().toISOString(),
      };
      deps.audit.emit(
        {
          action: 'user.exported',
          resource: { type: 'user', id: user.id },
          details: {
            sessions: body.sessions.length,
            tokens: body.tokens.length,
            agents: body.agents.length,
            events: events.reduce((n, e) => n + e.length, 0),
            truncated,
          },
        },
        req.ctx,
      );
      res.setHeader('Content-Disposition', `attachment; filename="tollgate-user-${user.id}.json"`);
      res.setHeader('Cache-Control', 'no-store');
      return body;
    },
  });
}
