import test from 'ava';
import { freePort } from '@tollgate/devkit';
import { loadConfig } from '../src/config.js';
import { startStack, type Stack } from '../../test/support/stack.js';

// Prometheus metrics live on their own plain-HTTP port (METRICS_PORT), as the services'
// do; the public HTTPS port treats /metrics like any unknown path. Serial: the last test
// stops the gateway.
let stack: Stack;
let metricsPort: number;
test.before(async () => {
  metricsPort = await freePort();
  stack = await startStack({ services: [], env: { gateway: { METRICS_PORT: String(metricsPort) } } });
});
test.after.always(() => stack?.close());

const scrape = () => fetch(`http://127.0.0.1:${metricsPort}/metrics`);

test.serial('when METRICS_PORT is not set, then metrics are off', (t) => {
  t.is(loadConfig({ ...stack.env.gateway, METRICS_PORT: undefined }).METRICS_PORT, 0);
});

test.serial('when /metrics is asked on the public port, then it answers like any unknown path: 404 with the error envelope', async (t) => {
  const res = await stack.http.get('/metrics', { headers: { 'x-request-id': 'req-metrics' } });
  t.is(res.status, 404);
  t.regex(String(res.headers['content-type']), /^application\/json/);
  t.deepEqual(res.body, { error: { code: 'not_found', message: 'No such route', request_id: 'req-metrics' } });
  t.false(res.text.includes('http_requests_total'));
});

test.serial('when a request has been served, then the metrics port shows it in Prometheus text over plain HTTP', async (t) => {
  t.is((await stack.http.get('/health/live')).status, 200);
  const res = await scrape();
  t.is(res.status, 200);
  t.regex(String(res.headers.get('content-type')), /^text\/plain/);
  const text = await res.text();
  t.regex(text, /^http_requests_total\{[^}]*route="\/health\/live"[^}]*status="200"[^}]*\} [1-9]/m);
  // The public /metrics request above was counted as an unmatched 404, nothing more.
  t.regex(text, /^http_requests_total\{[^}]*route="unmatched"[^}]*status="404"[^}]*\} [1-9]/m);
  t.regex(text, /service="gateway"/);
  // The metrics listener serves /metrics and nothing else.
  t.is((await fetch(`http://127.0.0.1:${metricsPort}/health/live`)).status, 404);
});

test.serial('when the gateway stops, then its metrics port closes with it', async (t) => {
  t.is((await scrape()).status, 200);
  await stack.stop('gateway');
  await t.throwsAsync(scrape());
});
