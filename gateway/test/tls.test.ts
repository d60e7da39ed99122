import { X509Certificate } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import test from 'ava';
import { Registry } from 'prom-client';
import { createLogger } from '@tollgate/platform';
import { loadConfig } from '../src/config.js';
import { certificateExpiryMetric, loadTls } from '../src/tls.js';

test('tls_certificate_expiry_timestamp_seconds is when the served certificate expires', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tollgate-tls-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const config = loadConfig({
    REDIS_URL: 'redis://127.0.0.1:6379',
    SERVICE_TOKEN_SECRET: 'x'.repeat(32),
    TLS_DEV_CERT_DIR: dir,
  });
  const tls = await loadTls(config, createLogger('tls-test', 'silent'));
  const registry = new Registry();
  certificateExpiryMetric(registry, tls);
  const [{ values }] = (await registry.getMetricsAsJSON()) as { values: { value: number }[] }[];
  const notAfter = Math.floor(Date.parse(new X509Certificate(tls.cert).validTo) / 1000);
  t.is(values[0].value, notAfter);
  // The dev certificate lives a year.
  t.true(notAfter - Date.now() / 1000 > 360 * 86_400);
});
