import { X509Certificate } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import selfsigned from 'selfsigned';
import { Gauge, type Logger } from '@tollgate/platform';
import type { Registry } from 'prom-client';
import type { GatewayConfig } from './config.js';

export interface TlsMaterial {
  cert: string;
  key: string;
  /** True when we generated the certificate ourselves (clients need it as their CA). */
  selfSigned: boolean;
}

/** TLS_CERT/TLS_KEY if given; else a self-signed dev certificate made once and reused. */
export async function loadTls(config: GatewayConfig, log: Logger): Promise<TlsMaterial> {
  if (config.TLS_CERT || config.TLS_KEY) {
    if (!config.TLS_CERT || !config.TLS_KEY) throw new Error('TLS_CERT and TLS_KEY must be set together');
    return { cert: fs.readFileSync(config.TLS_CERT, 'utf8'), key: fs.readFileSync(config.TLS_KEY, 'utf8'), selfSigned: false };
  }
  const dir = config.TLS_DEV_CERT_DIR;
  const certFile = path.join(dir, 'cert.pem');
  const keyFile = path.join(dir, 'key.pem');
  if (fs.existsSync(certFile) && fs.existsSync(keyFile)) {
    return { cert: fs.readFileSync(certFile, 'utf8'), key: fs.readFileSync(keyFile, 'utf8'), selfSigned: true };
  }
  const pems = await selfsigned.generate([{ name: 'commonName', value: 'localhost' }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notAfterDate: new Date(Date.now() + 365 * 24 * 3600 * 1000),
    extensions: [
      { name: 'basicConstraints', cA: true },
      {
        name: 'subjectAltName',
        altNames: [
          { type: 2, value: 'localhost' },
          { type: 7, ip: '127.0.0.1' },
          { type: 7, ip: '::1' },
        ],
      },
    ],
  });
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  fs.writeFileSync(certFile, pems.cert);
  fs.writeFileSync(keyFile, pems.private, { mode: 0o600 });
  log.warn({ cert: certFile }, 'generated a self-signed development certificate; set TLS_CERT/TLS_KEY in production');
  return { cert: pems.cert, key: pems.private, selfSigned: true };
}

/**
 * tls_certificate_expiry_timestamp_seconds: when the certificate this gateway serves stops being
 * valid (the first of TLS_CERT's chain). It is read at start, as the certificate is: a renewed
 * certificate reaches clients, and this metric, when the gateway restarts.
 */
export function certificateExpiryMetric(registry: Registry, tls: TlsMaterial): void {
  const expiry = new Gauge({
    name: 'tls_certificate_expiry_timestamp_seconds',
    help: 'When the TLS certificate the gateway serves expires (Unix time, seconds)',
    registers: [registry],
  });
  expiry.set(Math.floor(new Date(new X509Certificate(tls.cert).validTo).getTime() / 1000));
}
