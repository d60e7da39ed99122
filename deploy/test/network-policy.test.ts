import test from 'ava';
import { template } from './support/helm.js';
import {
  callersOf,
  DEPLOYABLES,
  existingSecretValues,
  isHook,
  MESH,
  METRICS_PORT,
  named,
  ofKind,
  selects,
  SERVICES,
  type Deployable,
  type Deployment,
  type Job,
  type K8sObject,
  type NetworkPolicy,
  type NetworkPolicyPeer,
  type NetworkPolicyPort,
} from './support/k8s.js';

// A small evaluator of NetworkPolicy semantics: traffic from A to B on a port is allowed
// when a policy selecting A allows it out and a policy selecting B allows it in (pods
// that no policy selects are open, which these charts must never leave).

const NAMESPACE = 'tollgate';

type Endpoint = { pod: { namespace: string; labels: Record<string, string> } } | { ip: string };

function ipToInt(ip: string): number {
  return ip.split('.').reduce((n, octet) => n * 256 + Number(octet), 0);
}

function inCidr(ip: string, cidr: string): boolean {
  const [base, bits] = cidr.split('/');
  const size = 2 ** (32 - Number(bits));
  return Math.floor(ipToInt(ip) / size) === Math.floor(ipToInt(base) / size);
}

function peerMatches(peer: NetworkPolicyPeer, end: Endpoint): boolean {
  if (peer.ipBlock) {
    // ipBlock is meant for addresses outside the cluster; pods are matched by selectors.
    return 'ip' in end && inCidr(end.ip, peer.ipBlock.cidr) && !(peer.ipBlock.except ?? []).some((c) => inCidr(end.ip, c));
  }
  if (!('pod' in end)) return false;
  const namespaceOk = peer.namespaceSelector
    ? selects(peer.namespaceSelector, { 'kubernetes.io/metadata.name': end.pod.namespace })
    : end.pod.namespace === NAMESPACE;
  return namespaceOk && (peer.podSelector ? selects(peer.podSelector, end.pod.labels) : true);
}

function portMatches(ports: NetworkPolicyPort[] | undefined, port: number, protocol: string): boolean {
  return !ports?.length || ports.some((p) => (p.port === undefined || p.port === port) && (p.protocol ?? 'TCP') === protocol);
}

function policiesFor(policies: NetworkPolicy[], end: Endpoint): NetworkPolicy[] {
  return 'pod' in end && end.pod.namespace === NAMESPACE ? policies.filter((p) => selects(p.spec.podSelector, end.pod.labels)) : [];
}

function allowed(policies: NetworkPolicy[], from: Endpoint, to: Endpoint, port: number, protocol = 'TCP'): boolean {
  const outPolicies = policiesFor(policies, from).filter((p) => p.spec.policyTypes.includes('Egress'));
  const out =
    outPolicies.length === 0 ||
    outPolicies.some((p) =>
      (p.spec.egress ?? []).some(
        (r) => (!r.to?.length || r.to.some((peer) => peerMatches(peer, to))) && portMatches(r.ports, port, protocol),
      ),
    );
  const inPolicies = policiesFor(policies, to).filter((p) => p.spec.policyTypes.includes('Ingress'));
  const inn =
    inPolicies.length === 0 ||
    inPolicies.some((p) =>
      (p.spec.ingress ?? []).some(
        (r) => (!r.from?.length || r.from.some((peer) => peerMatches(peer, from))) && portMatches(r.ports, port, protocol),
      ),
    );
  return out && inn;
}

const rendered = template('tollgate', existingSecretValues, { namespace: NAMESPACE });

async function world() {
  const all: K8sObject[] = await rendered;
  const policies = ofKind<NetworkPolicy>(all, 'NetworkPolicy').filter((p) => !isHook(p));
  const pod = (name: Deployable): Endpoint => ({
    pod: { namespace: NAMESPACE, labels: named<Deployment>(all, 'Deployment', `tg-${name}`).spec.template.metadata.labels },
  });
  return { policies, pod };
}

const prometheus: Endpoint = { pod: { namespace: 'monitoring', labels: { 'app.kubernetes.io/name': 'prometheus' } } };
const strangerPod: Endpoint = { pod: { namespace: 'other-team', labels: { app: 'curious' } } };
const sameNamespaceStranger: Endpoint = { pod: { namespace: NAMESPACE, labels: { 'app.kubernetes.io/name': 'debug-shell' } } };
const kubeDns: Endpoint = { pod: { namespace: 'kube-system', labels: { 'k8s-app': 'kube-dns' } } };
const internet: Endpoint = { ip: '203.0.113.10' };
const externalMongo: Endpoint = { ip: '198.51.100.20' };

test('every Tollgate pod is selected by exactly one policy that governs both directions', async (t) => {
  const { policies, pod } = await world();
  t.is(policies.length, DEPLOYABLES.length);
  for (const name of DEPLOYABLES) {
    const own = policiesFor(policies, pod(name));
    t.is(own.length, 1, name);
    t.deepEqual([...own[0].spec.policyTypes].sort(), ['Egress', 'Ingress'], name);
  }
});

test('gRPC flows exactly along the call graph: every allowed pair is a real call, every call is allowed', async (t) => {
  const { policies, pod } = await world();
  for (const from of DEPLOYABLES) {
    for (const to of DEPLOYABLES) {
      // Nobody calls the gateway.
      const expected = to !== 'gateway' && MESH[from].calls.includes(to);
      t.is(allowed(policies, pod(from), pod(to), MESH[to].port), expected, `${from} → ${to}:${MESH[to].port}`);
    }
  }
});

test('audit accepts gRPC from identity, token, budget, provider-key and the gateway, and from nothing else', async (t) => {
  const { policies, pod } = await world();
  const accepted = DEPLOYABLES.filter((from) => allowed(policies, pod(from), pod('audit'), MESH.audit.port));
  t.deepEqual(accepted.sort(), ['budget', 'gateway', 'identity', 'provider-key', 'token']);
  t.deepEqual(accepted.sort(), callersOf('audit').sort());
  t.false(allowed(policies, sameNamespaceStranger, pod('audit'), MESH.audit.port));
  t.false(allowed(policies, strangerPod, pod('audit'), MESH.audit.port));
});

test('token cannot reach budget, and budget is reachable from the gateway alone', async (t) => {
  const { policies, pod } = await world();
  t.false(allowed(policies, pod('token'), pod('budget'), MESH.budget.port));
  t.deepEqual(
    DEPLOYABLES.filter((from) => allowed(policies, pod(from), pod('budget'), MESH.budget.port)),
    ['gateway'],
  );
});

test('no service is reachable from outside the mesh; the gateway is, on its HTTPS port only (not its metrics port)', async (t) => {
  const { policies, pod } = await world();
  for (const name of SERVICES) {
    for (const port of [MESH[name].port, METRICS_PORT]) {
      t.false(allowed(policies, strangerPod, pod(name), port), `${name}:${port}`);
      t.false(allowed(policies, sameNamespaceStranger, pod(name), port), `${name}:${port}`);
    }
  }
  t.true(allowed(policies, strangerPod, pod('gateway'), 8443));
  t.true(allowed(policies, internet, pod('gateway'), 8443));
  t.false(allowed(policies, strangerPod, pod('gateway'), 22));
  for (const from of [strangerPod, sameNamespaceStranger, internet]) t.false(allowed(policies, from, pod('gateway'), METRICS_PORT));
});

test('Prometheus scrapes every metrics port and reaches nothing else', async (t) => {
  const { policies, pod } = await world();
  for (const name of DEPLOYABLES) t.true(allowed(policies, prometheus, pod(name), METRICS_PORT), name);
  for (const name of SERVICES) t.false(allowed(policies, prometheus, pod(name), MESH[name].port), `${name} gRPC`);
  // Deployables call nothing on each other's metrics ports either.
  for (const from of DEPLOYABLES)
    for (const to of DEPLOYABLES) t.false(allowed(policies, pod(from), pod(to), METRICS_PORT), `${from} → ${to} metrics`);
});

test('every pod resolves names through cluster DNS and nowhere else on port 53', async (t) => {
  const { policies, pod } = await world();
  for (const name of DEPLOYABLES) {
    t.true(allowed(policies, pod(name), kubeDns, 53, 'UDP'), name);
    t.true(allowed(policies, pod(name), kubeDns, 53, 'TCP'), name);
    t.false(allowed(policies, pod(name), { ip: '8.8.8.8' }, 53, 'UDP'), name);
  }
});

test('services reach MongoDB and not Redis; the gateway reaches Redis and not MongoDB', async (t) => {
  const { policies, pod } = await world();
  const redis: Endpoint = { ip: '198.51.100.30' };
  for (const name of SERVICES) {
    t.true(allowed(policies, pod(name), externalMongo, 27017), name);
    t.false(allowed(policies, pod(name), redis, 6379), name);
  }
  t.true(allowed(policies, pod('gateway'), redis, 6379));
  t.false(allowed(policies, pod('gateway'), externalMongo, 27017));
});

test('when MongoDB runs in the cluster, each service may reach only those pods on its port', async (t) => {
  const all = await template(
    'tollgate',
    {
      ...existingSecretValues,
      ...Object.fromEntries(
        SERVICES.map((s) => [
          s,
          { networkPolicy: { mongodb: { to: [{ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'mongodb' } } }] } } },
        ]),
      ),
    },
    { namespace: NAMESPACE },
  );
  const policies = ofKind<NetworkPolicy>(all, 'NetworkPolicy');
  const identity: Endpoint = {
    pod: { namespace: NAMESPACE, labels: named<Deployment>(all, 'Deployment', 'tg-identity').spec.template.metadata.labels },
  };
  const mongoPod: Endpoint = { pod: { namespace: NAMESPACE, labels: { 'app.kubernetes.io/name': 'mongodb' } } };
  t.true(allowed(policies, identity, mongoPod, 27017));
  t.false(allowed(policies, identity, externalMongo, 27017));
});

test('only the gateway (LLM providers) and audit (webhook receivers) reach the internet, on HTTPS, and never private ranges or the metadata endpoint', async (t) => {
  const { policies, pod } = await world();
  for (const name of ['gateway', 'audit'] as const) {
    t.true(allowed(policies, pod(name), internet, 443), name);
    t.false(allowed(policies, pod(name), internet, 80), name);
    for (const ip of ['169.254.169.254', '10.1.2.3', '172.20.0.1', '192.168.1.1'])
      t.false(allowed(policies, pod(name), { ip }, 443), `${name} → ${ip}`);
  }
  for (const name of SERVICES.filter((s) => s !== 'audit')) t.false(allowed(policies, pod(name), internet, 443), name);
});

test('when the gateway is told to admit only the ingress controller, other sources are refused', async (t) => {
  const all = await template(
    'tollgate',
    {
      ...existingSecretValues,
      gateway: {
        networkPolicy: {
          allowExternal: false,
          ingressFrom: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } } }],
        },
      },
    },
    { namespace: NAMESPACE },
  );
  const policies = ofKind<NetworkPolicy>(all, 'NetworkPolicy');
  const gateway: Endpoint = {
    pod: { namespace: NAMESPACE, labels: named<Deployment>(all, 'Deployment', 'tg-gateway').spec.template.metadata.labels },
  };
  const ingressController: Endpoint = { pod: { namespace: 'ingress-nginx', labels: {} } };
  t.true(allowed(policies, ingressController, gateway, 8443));
  t.false(allowed(policies, strangerPod, gateway, 8443));
  // Prometheus scrapes the metrics port, not the API; the ingress controller never reaches metrics.
  t.true(allowed(policies, prometheus, gateway, METRICS_PORT));
  t.false(allowed(policies, prometheus, gateway, 8443));
  t.false(allowed(policies, ingressController, gateway, METRICS_PORT));
});

test('a migrations Job reaches DNS and its service’s MongoDB, nothing else, and nothing reaches it', async (t) => {
  const all = await rendered;
  const policies = ofKind<NetworkPolicy>(all, 'NetworkPolicy');
  const { pod } = await world();
  for (const name of SERVICES) {
    const job: Endpoint = {
      pod: { namespace: NAMESPACE, labels: named<Job>(all, 'Job', `tg-${name}-migrations`).spec.template.metadata.labels },
    };
    t.deepEqual(
      policiesFor(policies, job).map((p) => p.metadata.name),
      [`tg-${name}-migrations`],
      `${name}: only its own policy selects it`,
    );
    t.true(allowed(policies, job, externalMongo, 27017), name);
    t.true(allowed(policies, job, kubeDns, 53, 'UDP'), name);
    t.false(allowed(policies, job, pod('audit'), MESH.audit.port), name);
    t.false(allowed(policies, job, internet, 443), name);
    t.false(allowed(policies, pod('gateway'), job, MESH[name].port), name);
  }
});
