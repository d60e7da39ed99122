import test from 'ava';
import type { AuditEvent__Output } from '@tollgate/proto/gen/tollgate/audit/v1/AuditEvent';
import { toEvent } from '../src/routes/audit-event.js';
import { csvField, RENDERINGS } from '../src/routes/audit-export.js';
import { parseCsv } from '../../test/support/csv.js';

const message = (overrides: Partial<AuditEvent__Output> = {}): AuditEvent__Output => ({
  id: 'e1',
  seq: 7,
  at: '2025-01-02T03:04:05.678Z',
  actor: { type: 'user', id: 'u1' },
  action: 'auth.login.failed',
  resource: { type: 'user', id: '' },
  outcome: 'failure',
  ip: '',
  user_agent: 'Mozilla/5.0 (X11; "quoted", comma)\r\nsecond line',
  request_id: 'req-1',
  details_json: '{"reason":"=1+1"}',
  hash: 'b'.repeat(64),
  prev_hash: 'a'.repeat(64),
  source: 'identity',
  ...overrides,
});

test('when a CSV field holds commas, quotes, line breaks or a formula, then it is quoted and neutralised', (t) => {
  t.is(csvField('plain'), 'plain');
  t.is(csvField('a,b'), '"a,b"');
  t.is(csvField('say "hi"'), '"say ""hi"""');
  t.is(csvField('two\r\nlines'), '"two\r\nlines"');
  t.is(csvField('=1+1'), "'=1+1");
  t.is(csvField('@SUM(A1)'), "'@SUM(A1)");
  t.is(csvField('-2+3'), "'-2+3");
  t.is(csvField('\tcmd'), "'\tcmd");
  t.is(csvField(''), '');
});

test('when an event is rendered, then its NDJSON line is its REST shape and its CSV row flattens that shape', (t) => {
  const e = message({ resource: { type: 'user', id: '=HYPERLINK("http://evil")' } });
  t.deepEqual(JSON.parse(RENDERINGS.ndjson.line(toEvent(e))), toEvent(e));
  t.true(RENDERINGS.ndjson.line(toEvent(e)).endsWith('}\n'));
  t.is(RENDERINGS.ndjson.head, '');

  const [header, row, ...rest] = parseCsv(RENDERINGS.csv.head + RENDERINGS.csv.line(toEvent(e)));
  t.is(rest.length, 0);
  t.deepEqual(Object.fromEntries(header.map((k, i) => [k, row[i]])), {
    id: 'e1',
    seq: '7',
    at: '2025-01-02T03:04:05.678Z',
    source: 'identity',
    actor_type: 'user',
    actor_id: 'u1',
    action: 'auth.login.failed',
    resource_type: 'user',
    resource_id: `'=HYPERLINK("http://evil")`,
    outcome: 'failure',
    ip: '',
    user_agent: 'Mozilla/5.0 (X11; "quoted", comma)\r\nsecond line',
    request_id: 'req-1',
    details_json: '{"reason":"=1+1"}',
    prev_hash: 'a'.repeat(64),
    hash: 'b'.repeat(64),
  });
});
