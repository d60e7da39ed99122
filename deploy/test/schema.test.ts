import test from 'ava';
import fs from 'node:fs';
import path from 'node:path';
import { CHARTS, helmDir, schemaText } from '../tools/values-schema.js';
import { template, templateFailure, type Values } from './support/helm.js';
import { existingSecretValues } from './support/k8s.js';

const withSecret = (values: Values): Values => ({ secrets: { existingSecret: 'tollgate-secrets' }, ...values });

test('every chart has a values.schema.json, and each is what deploy/tools/values-schema.ts writes', (t) => {
  for (const chart of CHARTS) {
    const file = path.join(helmDir, chart, 'values.schema.json');
    t.true(fs.existsSync(file), `${chart} has no values.schema.json`);
    t.is(fs.readFileSync(file, 'utf8'), schemaText(chart), `${chart}: run npx tsx deploy/tools/values-schema.ts`);
  }
});

test('every key of every values.yaml is documented: by a comment above it, or as part of a documented block', (t) => {
  for (const chart of CHARTS) {
    const lines = fs.readFileSync(path.join(helmDir, chart, 'values.yaml'), 'utf8').split('\n');
    // Keys still open above the current line: their indentation and whether they are documented.
    const open: { indent: number; documented: boolean }[] = [];
    lines.forEach((line, i) => {
      const key = /^(\s*)([A-Za-z][\w.-]*):(\s|$)/.exec(line);
      if (!key) return;
      const indent = key[1].length;
      while (open.length > 0 && open[open.length - 1].indent >= indent) open.pop();
      const above = lines
        .slice(0, i)
        .reverse()
        .find((l) => l.trim() !== '');
      const commented = above !== undefined && /^\s*#/.test(above);
      const inDocumentedBlock = open.some((o) => o.documented);
      const isGroup = /:\s*$/.test(line); // its children carry the documentation
      t.true(commented || inDocumentedBlock || isGroup, `${chart}/values.yaml:${i + 1} ${line.trim()} is undocumented`);
      open.push({ indent, documented: commented || inDocumentedBlock });
    });
  }
});

const violations: [string, string, Values, RegExp][] = [
  ['replicaCount is not a number', 'identity', withSecret({ replicaCount: 'two' }), /replicaCount/],
  [
    'an unknown securityContext key',
    'token',
    withSecret({
      containerSecurityContext: {
        runAsNonRoot: true,
        readOnlyRootFilesystem: true,
        allowPrivilegeEscalation: false,
        capabilities: { drop: ['ALL'] },
        seccompProfile: { type: 'RuntimeDefault' },
        runAsRoot: true,
      },
    }),
    /runAsRoot/,
  ],
  [
    'an unknown seccomp profile type',
    'budget',
    withSecret({ podSecurityContext: { runAsNonRoot: true, seccompProfile: { type: 'Sometimes' } } }),
    /seccompProfile/,
  ],
  [
    'an unconfined seccomp profile',
    'audit',
    withSecret({ podSecurityContext: { runAsNonRoot: true, seccompProfile: { type: 'Unconfined' } } }),
    /seccompProfile/,
  ],
  [
    'running as root',
    'gateway',
    withSecret({ podSecurityContext: { runAsNonRoot: false, seccompProfile: { type: 'RuntimeDefault' } } }),
    /runAsNonRoot/,
  ],
  [
    'a writable root filesystem',
    'provider-key',
    withSecret({
      containerSecurityContext: {
        runAsNonRoot: true,
        readOnlyRootFilesystem: false,
        allowPrivilegeEscalation: false,
        capabilities: { drop: ['ALL'] },
        seccompProfile: { type: 'RuntimeDefault' },
      },
    }),
    /readOnlyRootFilesystem/,
  ],
  [
    'capabilities not all dropped',
    'identity',
    withSecret({
      containerSecurityContext: {
        runAsNonRoot: true,
        readOnlyRootFilesystem: true,
        allowPrivilegeEscalation: false,
        capabilities: { drop: ['NET_RAW'] },
        seccompProfile: { type: 'RuntimeDefault' },
      },
    }),
    /capabilities/,
  ],
  ['an unknown top-level key', 'identity', withSecret({ replicas: 3 }), /replicas/],
  ['a gRPC service exposed as a LoadBalancer', 'budget', withSecret({ service: { type: 'LoadBalancer' } }), /service/],
  ['an unknown resources preset', 'token', withSecret({ resourcesPreset: 'huge' }), /resourcesPreset/],
  ['a call to a service that does not exist', 'token', withSecret({ mesh: { calls: ['billing'] } }), /calls/],
  ['config overriding a variable the chart owns', 'audit', withSecret({ config: { GRPC_PORT: '1' } }), /GRPC_PORT/],
  ['a MongoDB URL that is not one', 'audit', { secrets: { serviceTokenSecret: 's'.repeat(40), mongoUrl: 'postgres://db' } }, /mongoUrl/],
  [
    'a provider keyring without key ids',
    'provider-key',
    { secrets: { providerKeyEncryptionKeys: Buffer.alloc(32).toString('base64') } },
    /providerKeyEncryptionKeys/,
  ],
  [
    'a JWT key encryption key of the wrong length',
    'identity',
    { secrets: { jwtKeyEncryptionKey: Buffer.alloc(16).toString('base64') } },
    /jwtKeyEncryptionKey/,
  ],
  [
    'an image digest that is not sha256',
    'gateway',
    withSecret({ image: { repository: 'tollgate/gateway', pullPolicy: 'Always', digest: 'latest' } }),
    /digest/,
  ],
  ['a log level the services do not know', 'gateway', withSecret({ logLevel: 'verbose' }), /logLevel/],
];

for (const [what, chart, values, mentions] of violations) {
  test(`when a value breaks the schema (${what}), helm template fails and names it`, async (t) => {
    const error = await templateFailure(chart, values);
    t.regex(error, /schema/);
    t.regex(error, mentions);
  });
}

test('when the umbrella is given a misspelt chart name, it fails instead of ignoring it', async (t) => {
  const error = await templateFailure('tollgate', { ...existingSecretValues, identiy: { replicaCount: 3 } });
  t.regex(error, /identiy/);
});

test('when the umbrella passes a bad value to one chart, that chart’s schema rejects it', async (t) => {
  const error = await templateFailure('tollgate', { ...existingSecretValues, budget: { replicaCount: 'two' } });
  t.regex(error, /budget/);
  t.regex(error, /replicaCount/);
});

test('when a required secret is neither given nor in an existing Secret, the render fails saying what to set', async (t) => {
  const error = await templateFailure('identity', { secrets: { serviceTokenSecret: 's'.repeat(40), mongoUrl: 'mongodb://db' } });
  t.regex(error, /JWT_KEY_ENCRYPTION_KEY is required: set secrets\.jwtKeyEncryptionKey/);
});

test('when autoscaling bounds are inverted, the render fails', async (t) => {
  const error = await templateFailure(
    'gateway',
    withSecret({ autoscaling: { enabled: true, minReplicas: 5, maxReplicas: 2, targetCPUUtilizationPercentage: 70 } }),
  );
  t.regex(error, /minReplicas \(5\) is greater than autoscaling.maxReplicas \(2\)/);
});

test('when the gateway admits only listed sources but lists none, the render fails', async (t) => {
  const error = await templateFailure('gateway', withSecret({ networkPolicy: { allowExternal: false } }));
  t.regex(error, /ingressFrom/);
});

test('when a value is valid, the schema lets it through', async (t) => {
  const manifests = await template(
    'identity',
    withSecret({ replicaCount: 4, autoscaling: { enabled: false }, config: { LOCKOUT_THRESHOLD: '5' } }),
  );
  t.true(manifests.some((m) => m.kind === 'Deployment'));
});
