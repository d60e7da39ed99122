import test from 'ava';
import { template } from './support/helm.js';
import {
  DEPLOYABLES,
  existingSecretValues,
  MESH,
  METRICS_PORT,
  named,
  ofKind,
  selects,
  SERVICES,
  type Deployment,
  type Job,
  type K8sObject,
  type Probe,
} from './support/k8s.js';

const manifests = template('tollgate', existingSecretValues);

function workload(all: K8sObject[], name: string) {
  const deployment = named<Deployment>(all, 'Deployment', `tg-${name}`);
  const pod = deployment.spec.template.spec;
  if (pod.containers.length !== 1) throw new Error(`${name}: expected one container, found ${pod.containers.length}`);
  return { deployment, pod, container: pod.containers[0] };
}

test('every pod runs as a non-root user with the RuntimeDefault seccomp profile', async (t) => {
  const all = await manifests;
  for (const name of DEPLOYABLES) {
    const { pod } = workload(all, name);
    t.like(pod.securityContext, { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } }, name);
    t.true((pod.securityContext?.runAsUser ?? 0) > 0, name);
  }
});

test('every container has a read-only root filesystem, no privilege escalation and no capabilities', async (t) => {
  const all = await manifests;
  for (const name of DEPLOYABLES) {
    const { container } = workload(all, name);
    const sc = container.securityContext;
    t.like(
      sc,
      {
        runAsNonRoot: true,
        readOnlyRootFilesystem: true,
        allowPrivilegeEscalation: false,
        privileged: false,
        seccompProfile: { type: 'RuntimeDefault' },
      },
      name,
    );
    t.deepEqual(sc?.capabilities, { drop: ['ALL'] }, name);
  }
});

test('the only writable path of every container is an emptyDir at /tmp', async (t) => {
  const all = await manifests;
  for (const name of DEPLOYABLES) {
    const { pod, container } = workload(all, name);
    const tmp = container.volumeMounts?.find((m) => m.mountPath === '/tmp');
    t.truthy(tmp, name);
    const volume = pod.volumes?.find((v) => v.name === tmp?.name);
    t.truthy(volume?.emptyDir?.sizeLimit, `${name}: /tmp is a size-capped emptyDir`);
    const writable = (container.volumeMounts ?? []).filter((m) => !m.readOnly).map((m) => m.mountPath);
    t.deepEqual(writable, ['/tmp'], name);
  }
});

test('no pod can talk to the Kubernetes API: service-account tokens are never mounted', async (t) => {
  const all = await manifests;
  for (const name of DEPLOYABLES) {
    const { pod } = workload(all, name);
    t.is(pod.automountServiceAccountToken, false, name);
    t.is(pod.serviceAccountName, `tg-${name}`, name);
    t.is(named(all, 'ServiceAccount', `tg-${name}`).automountServiceAccountToken, false, name);
  }
  t.is(ofKind(all, 'Role').length + ofKind(all, 'ClusterRole').length + ofKind(all, 'RoleBinding').length, 0);
});

test('every container requests and is limited in CPU and memory', async (t) => {
  const all = await manifests;
  for (const name of DEPLOYABLES) {
    const { resources } = workload(all, name).container;
    for (const kind of ['requests', 'limits'] as const) {
      for (const resource of ['cpu', 'memory']) t.truthy(resources?.[kind]?.[resource], `${name} ${kind}.${resource}`);
    }
  }
});

test('when resources are given, they replace the preset', async (t) => {
  const resources = { requests: { cpu: '2', memory: '3Gi' }, limits: { memory: '3Gi' } };
  const all = await template('audit', { secrets: { existingSecret: 's' }, resources });
  t.deepEqual(workload(all, 'audit').container.resources, resources);
});

test('gRPC services are probed with native gRPC health checks on the port they serve gRPC on', async (t) => {
  const all = await manifests;
  for (const name of SERVICES) {
    const { container } = workload(all, name);
    const grpcPort = container.ports?.find((p) => p.name === 'grpc')?.containerPort;
    t.is(grpcPort, MESH[name].port, name);
    t.is(container.ports?.find((p) => p.name === 'metrics')?.containerPort, METRICS_PORT, name);
    for (const kind of ['startupProbe', 'livenessProbe', 'readinessProbe'] as const) {
      const probe: Probe | undefined = container[kind];
      t.deepEqual(probe?.grpc, { port: grpcPort }, `${name} ${kind}`);
      t.is(probe?.httpGet ?? probe?.tcpSocket ?? probe?.exec, undefined, `${name} ${kind}`);
    }
  }
});

test('the gateway is probed over HTTPS on the port it declares: alive on /health/live, ready on /health/ready', async (t) => {
  const { container } = workload(await manifests, 'gateway');
  t.deepEqual(container.ports, [
    { name: 'https', containerPort: 8443, protocol: 'TCP' },
    // Prometheus metrics on a port of their own (METRICS_PORT), never on the HTTPS one.
    { name: 'metrics', containerPort: METRICS_PORT, protocol: 'TCP' },
  ]);
  t.deepEqual(container.startupProbe?.httpGet, { path: '/health/live', port: 'https', scheme: 'HTTPS' });
  t.deepEqual(container.livenessProbe?.httpGet, { path: '/health/live', port: 'https', scheme: 'HTTPS' });
  t.deepEqual(container.readinessProbe?.httpGet, { path: '/health/ready', port: 'https', scheme: 'HTTPS' });
});

test('liveness tolerates a short database outage that readiness already reacts to', async (t) => {
  const all = await manifests;
  for (const name of SERVICES) {
    const { livenessProbe, readinessProbe } = workload(all, name).container;
    const window = (p?: Probe) => (p?.periodSeconds ?? 10) * (p?.failureThreshold ?? 3);
    t.true(window(livenessProbe) >= 60, `${name}: liveness restarts only after a minute`);
    t.true(window(readinessProbe) < window(livenessProbe), name);
  }
});

test('when the image is pinned by global registry, tag and digest, every workload uses it', async (t) => {
  const all = await template('tollgate', {
    global: { existingSecret: 's', imageRegistry: 'registry.example.com', imageTag: '1.2.3' },
    audit: { image: { digest: `sha256:${'a'.repeat(64)}` } },
  });
  for (const name of DEPLOYABLES) {
    const expected = `registry.example.com/tollgate/${name}:1.2.3${name === 'audit' ? `@sha256:${'a'.repeat(64)}` : ''}`;
    t.is(workload(all, name).container.image, expected);
  }
});

test('each service’s migrations run in a hook Job before install and upgrade, hardened and sized like its Deployment', async (t) => {
  const all = await manifests;
  for (const name of SERVICES) {
    const { deployment, pod, container } = workload(all, name);
    const job = named<Job>(all, 'Job', `tg-${name}-migrations`);
    t.like(
      job.metadata.annotations,
      { 'helm.sh/hook': 'pre-install,pre-upgrade', 'helm.sh/hook-delete-policy': 'before-hook-creation,hook-succeeded' },
      name,
    );
    const jobPod = job.spec.template.spec;
    t.is(jobPod.containers.length, 1, name);
    const [migrate] = jobPod.containers;
    t.is(migrate.image, container.image, name);
    t.deepEqual(migrate.args, ['dist/migrate.js', 'up'], name);
    t.deepEqual(jobPod.securityContext, pod.securityContext, name);
    t.deepEqual(migrate.securityContext, container.securityContext, name);
    t.deepEqual(migrate.resources, container.resources, name);
    t.is(jobPod.automountServiceAccountToken, false, name);
    t.deepEqual(
      (migrate.volumeMounts ?? []).filter((m) => !m.readOnly).map((m) => m.mountPath),
      ['/tmp'],
      name,
    );
    const labels = job.spec.template.metadata.labels;
    t.false(selects(deployment.spec.selector, labels), `${name}: the Deployment's Service and PDB do not pick the Job's pod`);
    t.false('tollgate.io/service' in labels, `${name}: peers' policies do not take it for the service`);
  }
  t.is(ofKind(all, 'Job').length, SERVICES.length, 'the gateway has no database');
});
