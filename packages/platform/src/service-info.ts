import { readFileSync } from 'node:fs';
import type { Connection } from 'mongoose';
import { loadServiceInfo } from '@tollgate/proto';
import type { ServiceInfoHandlers } from '@tollgate/proto/gen/tollgate/common/v1/ServiceInfo';
import type { ServiceInfoReport } from '@tollgate/proto/gen/tollgate/common/v1/ServiceInfoReport';
import { registration, type ServiceRegistration } from './grpc/server.js';
import { RPC_CALLERS } from './rpc-callers.js';

/** The build every service of this image is: the platform is released with them, at one version. */
const BUILD_VERSION = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;

/**
 * What a service says about itself to the gateway's detailed health report. The backlogs are
 * counted in the database, not taken from the relay's gauges: any replica may answer, and only
 * the relay's leader knows its gauges. A healthy outbox is near empty, so the count is cheap.
 */
export async function serviceInfoOf(service: string, db: Connection, startedAt: number): Promise<ServiceInfoReport> {
  // Outboxes are the collections named `<something>_outbox` (outbox-store.ts).
  const names = (await db.db!.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name).filter((n) => n.endsWith('_outbox'));
  const now = Date.now();
  const outboxes = await Promise.all(
    names.sort().map(async (name) => {
      const collection = db.db!.collection<{ created_at: Date }>(name);
      const [depth, oldest] = await Promise.all([
        collection.countDocuments(),
        collection
          .find({}, { projection: { created_at: 1 } })
          .sort({ created_at: 1 })
          .limit(1)
          .next(),
      ]);
      return { name, depth, oldest_age_seconds: oldest ? Math.max(0, (now - oldest.created_at.getTime()) / 1000) : 0 };
    }),
  );
  return { service, version: BUILD_VERSION, uptime_seconds: Math.floor((now - startedAt) / 1000), outboxes };
}

/** The ServiceInfo service every service serves beside its own API (startService adds it). */
export function serviceInfoRegistration(service: string, db: Connection, startedAt: number): ServiceRegistration {
  return registration<ServiceInfoHandlers>(
    'tollgate.common.v1.ServiceInfo',
    loadServiceInfo().ServiceInfo.service,
    { GetServiceInfo: () => serviceInfoOf(service, db, startedAt) },
    RPC_CALLERS.serviceInfo,
  );
}
