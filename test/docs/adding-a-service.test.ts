import fs from 'node:fs';
import path from 'node:path';
import test from 'ava';
import { SERVICE_NAMES, SERVICE_REGISTRY, serviceBaseSchema } from '@tollgate/platform';
import { protoFiles, protoRoot } from '@tollgate/proto';
import { configModules } from '../../deploy/test/support/config-loaders.js';
import { configurationSection } from './readme.js';

// CONTRIBUTING's "Adding a service" names what every service has beside its registry entry;
// each registered service has it. (deploy/test holds the charts and compose file to the registry.)
const root = path.resolve(import.meta.dirname, '../..');
const read = (file: string) => fs.readFileSync(path.join(root, file), 'utf8');
const isNonEmptyDir = (dir: string) => fs.existsSync(path.join(root, dir)) && fs.readdirSync(path.join(root, dir)).length > 0;

test('every registered service has its contract in @tollgate/proto', (t) => {
  const generate = JSON.parse(read('proto/package.json')).scripts.generate as string;
  for (const name of SERVICE_NAMES) {
    const file = protoFiles[SERVICE_REGISTRY[name].proto];
    t.true(fs.existsSync(path.join(protoRoot, file)), `${name}: ${file}`);
    t.true(generate.split(' ').includes(file), `${name}: ${file} is not in proto's generate script`);
  }
});

test('every registered service is a package services/<name>/ in the shape of the others, referenced by the root tsconfig', (t) => {
  const references = (JSON.parse(read('tsconfig.json')).references as { path: string }[]).map((r) => r.path);
  for (const name of SERVICE_NAMES) {
    const dir = `services/${name}`;
    t.is(JSON.parse(read(`${dir}/package.json`)).name, `@tollgate/${name}`, name);
    for (const file of ['tsconfig.json', 'src/main.ts', 'src/app.ts', 'src/config.ts'])
      t.true(fs.existsSync(path.join(root, dir, file)), `${dir}/${file}`);
    for (const sub of ['src/handlers', 'src/domain', 'src/store', 'test']) t.true(isNonEmptyDir(`${dir}/${sub}`), `${dir}/${sub}/`);
    t.true(references.includes(dir), `tsconfig.json does not reference ${dir}`);
  }
});

test('every registered service has a chart under deploy/helm', (t) => {
  for (const name of SERVICE_NAMES) {
    for (const file of ['Chart.yaml', 'values.yaml', 'templates/_contract.tpl'])
      t.true(fs.existsSync(path.join(root, 'deploy/helm', name, file)), `deploy/helm/${name}/${file}`);
  }
});

test('every registered service has its rows in the README’s configuration section and in the docs’ tables of the mesh', (t) => {
  const portsRow = configurationSection.split('\n').find((line) => line.startsWith('| `GRPC_HOST` / `GRPC_PORT` |')) ?? '';
  const addressesRow = configurationSection.split('\n').find((line) => line.includes('`AUDIT_ADDR`')) ?? '';
  const architecture = read('docs/architecture.md');
  const deployGuide = read('deploy/README.md');
  for (const name of SERVICE_NAMES) {
    const { port, addrVar } = SERVICE_REGISTRY[name];
    t.true(portsRow.includes(`${port} ${name}`), `${name}: its port in the GRPC_PORT row`);
    t.true(addressesRow.includes(`\`${addrVar}\``), `${name}: ${addrVar} in the addresses row`);
    const ownRows = configurationSection.split('\n').filter((line) => line.startsWith(`| ${name} | `));
    const ownVariables = Object.keys(configModules[name].configSchema.shape).filter(
      (v) => !(v in serviceBaseSchema.shape) && !v.endsWith('_ADDR'),
    );
    for (const variable of ownVariables)
      t.true(
        ownRows.some((row) => row.includes(`\`${variable}\``)),
        `${name}: no "| ${name} |" row for ${variable}`,
      );
    t.true(architecture.includes(`\n| ${name} | `), `docs/architecture.md: no row for ${name}`);
    t.true(deployGuide.includes(`\n| ${name} | ${port} gRPC | `), `deploy/README.md: no row for ${name} on ${port}`);
  }
});
