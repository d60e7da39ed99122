// Break-glass rotation of the JWT signing key, run inside an identity container:
//
//   kubectl -n tollgate exec deploy/tollgate-identity -- node /app/ops/rotate-signing-key.mjs
//   docker compose exec identity node /app/ops/rotate-signing-key.mjs
//
// Calls identity's admin-only RotateSigningKey on this container's own gRPC port as an
// admin principal named "break-glass" (the audit log records the rotation under that
// id), authenticated by the mesh secret the container already holds. The new key signs
// from now on; the old one stays in the JWKS until every token it signed has expired,
// and the other replicas switch within 30 seconds. Prints the new key's JWK.
import { createServiceClient } from '@tollgate/platform';
import { loadIdentity } from '@tollgate/proto';

const port = process.env.GRPC_PORT;
const secret = process.env.SERVICE_TOKEN_SECRET;
if (!port || !secret) {
  process.stderr.write('rotate-signing-key: run me inside an identity container (GRPC_PORT and SERVICE_TOKEN_SECRET unset)\n');
  process.exit(2);
}

const client = createServiceClient(loadIdentity().Identity, `127.0.0.1:${port}`, { issuer: 'break-glass', secret });
try {
  const jwk = await client.call.RotateSigningKey({}, { principal: { type: 'user', id: 'break-glass', role: 'admin' } });
  process.stdout.write(`${JSON.stringify(jwk)}\n`);
} catch (err) {
  process.stderr.write(`rotate-signing-key: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
} finally {
  client.close();
}
