// Container health check for every Tollgate image (Docker HEALTHCHECK and compose).
// Exits 0 when the process answers healthy, 1 otherwise, within a hard deadline.
//
//   gateway:   HTTPS GET /health/live on GATEWAY_PORT (liveness only: the gateway's own
//              readiness depends on every service, which compose already orders).
//   services:  grpc.health.v1.Health/Check for the overall service ("") on GRPC_PORT,
//              healthy only when it says SERVING (the platform reports NOT_SERVING until
//              its database is connected, and again while it is gone).
//
// Dependency-free on purpose (node:http2 and node:https only): it must work in the
// slim runtime image whatever the workspace's node_modules hold, and it speaks just
// enough gRPC for one unary call with an empty request message.
import http2 from 'node:http2';
import https from 'node:https';

const DEADLINE_MS = Number(process.env.HEALTHCHECK_TIMEOUT_MS ?? 2500);
const kind = process.argv[2] ?? (process.env.TOLLGATE_SERVICE === 'gateway' ? 'https' : 'grpc');

const done = (healthy, why) => {
  if (!healthy) process.stderr.write(`unhealthy: ${why}\n`);
  process.exit(healthy ? 0 : 1);
};
setTimeout(() => done(false, `no answer within ${DEADLINE_MS} ms`), DEADLINE_MS).unref();

function checkHttps() {
  const port = Number(process.env.GATEWAY_PORT ?? 8443);
  // The certificate names the public host, not 127.0.0.1; this only asks "are you alive".
  const req = https.get({ host: '127.0.0.1', port, path: '/health/live', rejectUnauthorized: false }, (res) => {
    res.resume();
    done(res.statusCode === 200, `HTTP ${res.statusCode}`);
  });
  req.on('error', (err) => done(false, err.message));
}

/** Reads the status (field 1, varint) of a HealthCheckResponse; 1 = SERVING. */
function servingStatus(message) {
  let i = 0;
  while (i < message.length) {
    const tag = message[i++];
    if (tag !== 0x08) return undefined; // only field 1 (varint) is defined
    let value = 0;
    for (let shift = 0; i < message.length; shift += 7) {
      const byte = message[i++];
      value |= (byte & 0x7f) << shift;
      if (!(byte & 0x80)) break;
    }
    return value;
  }
  return 0; // proto3 default: UNKNOWN
}

function checkGrpc() {
  const port = Number(process.env.GRPC_PORT);
  if (!Number.isInteger(port) || port <= 0) return done(false, 'GRPC_PORT is not set');
  const client = http2.connect(`http://127.0.0.1:${port}`);
  client.on('error', (err) => done(false, err.message));
  const call = client.request({
    ':method': 'POST',
    ':path': '/grpc.health.v1.Health/Check',
    'content-type': 'application/grpc',
    te: 'trailers',
  });
  const chunks = [];
  call.on('data', (chunk) => chunks.push(chunk));
  call.on('error', (err) => done(false, err.message));
  let grpcStatus;
  call.on('response', (headers) => (grpcStatus = headers['grpc-status'] ?? grpcStatus));
  call.on('trailers', (trailers) => (grpcStatus = trailers['grpc-status'] ?? grpcStatus));
  call.on('end', () => {
    client.close();
    if (String(grpcStatus) !== '0') return done(false, `grpc-status ${grpcStatus}`);
    const frame = Buffer.concat(chunks);
    // 1 byte compressed flag + 4 bytes length, then the message.
    const status = frame.length >= 5 ? servingStatus(frame.subarray(5, 5 + frame.readUInt32BE(1))) : undefined;
    done(status === 1, `health status ${status}`);
  });
  // An empty HealthCheckRequest (service "" = the whole server): flag 0, length 0.
  call.end(Buffer.alloc(5));
}

if (kind === 'https') checkHttps();
else if (kind === 'grpc') checkGrpc();
else done(false, `unknown check "${kind}" (expected grpc or https)`);
