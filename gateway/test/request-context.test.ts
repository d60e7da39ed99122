import test from 'ava';
import type { NextFunction, Request, Response } from 'express';
import { createLogger } from '@tollgate/platform';
import { requestContext } from '../src/http/request-context.js';

// A request's logger is made on first use; whenever it is made, its lines carry the request id,
// and the caller once authenticated.
function contextOf(requestId: string) {
  const lines: Record<string, unknown>[] = [];
  const log = createLogger('gateway', 'info', { write: (s: string) => void lines.push(JSON.parse(s) as Record<string, unknown>) });
  const headers: Record<string, string> = { 'x-request-id': requestId, 'user-agent': 'test/1' };
  const req = { get: (h: string) => headers[h.toLowerCase()], ip: '192.0.2.7', socket: {} } as unknown as Request;
  const res = { setHeader: () => undefined } as unknown as Response;
  requestContext(log)(req, res, (() => undefined) as NextFunction);
  return { ctx: req.ctx, lines };
}

test('when a request logs before and after its caller is known, then each line carries its id, and the caller once known', (t) => {
  const { ctx, lines } = contextOf('req-1');
  ctx.log.info('before');
  ctx.principal = { type: 'agent', id: 'agt_1' };
  ctx.log.info('after');
  t.like(lines[0], { request_id: 'req-1', msg: 'before' });
  t.false('principal' in lines[0]);
  t.like(lines[1], { request_id: 'req-1', principal: 'agent:agt_1', msg: 'after' });
});

test('when a request first logs once its caller is known, then the line carries both', (t) => {
  const { ctx, lines } = contextOf('req-2');
  ctx.principal = { type: 'user', id: 'usr_1' };
  ctx.log.warn('only now');
  t.like(lines[0], { request_id: 'req-2', principal: 'user:usr_1', msg: 'only now' });
  t.is(ctx.ip, '192.0.2.7');
  t.is(ctx.userAgent, 'test/1');
});
