import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { protoPath } from 'grpc-health-check';
import { RECONNECT_FAST } from './client.js';

interface HealthClient extends grpc.Client {
  Check(
    req: { service: string },
    md: grpc.Metadata,
    opts: grpc.CallOptions,
    cb: (err: grpc.ServiceError | null, res?: { status: string }) => void,
  ): grpc.ClientUnaryCall;
}
type HealthCtor = new (address: string, creds: grpc.ChannelCredentials, options?: grpc.ChannelOptions) => HealthClient;

let ctor: HealthCtor | undefined;
function healthCtor(): HealthCtor {
  if (!ctor) {
    const def = protoLoader.loadSync(protoPath, { enums: String, defaults: true });
    const pkg = grpc.loadPackageDefinition(def) as unknown as { grpc: { health: { v1: { Health: HealthCtor } } } };
    ctor = pkg.grpc.health.v1.Health;
  }
  return ctor;
}

/** What a peer answered for a service: SERVING, or why not (the status it reports, or the call's error). */
export type HealthProbe = { serving: true } | { serving: false; reason: string };

/** A grpc.health.v1 client: asks whether a peer reports SERVING. */
export function createHealthChecker(address: string) {
  const client = new (healthCtor())(address, grpc.credentials.createInsecure(), RECONNECT_FAST);
  const probe = (service = '', deadlineMs = 1_000): Promise<HealthProbe> =>
    new Promise((resolve) => {
      client.Check({ service }, new grpc.Metadata(), { deadline: new Date(Date.now() + deadlineMs) }, (err, res) => {
        if (err) resolve({ serving: false, reason: err.details || err.message });
        else if (res?.status === 'SERVING') resolve({ serving: true });
        else resolve({ serving: false, reason: `reports ${res?.status ?? 'no status'}` });
      });
    });
  return {
    probe,
    check: (service = '', deadlineMs = 1_000): Promise<boolean> => probe(service, deadlineMs).then((p) => p.serving),
    close: () => client.close(),
  };
}
