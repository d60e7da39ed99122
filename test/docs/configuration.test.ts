import fs from 'node:fs';
import path from 'node:path';
import test from 'ava';
import { configSchema as gateway } from '../../gateway/src/config.js';
import { configSchema as audit } from '../../services/audit/src/config.js';
import { configSchema as budget } from '../../services/budget/src/config.js';
import { configSchema as identity } from '../../services/identity/src/config.js';
import { configSchema as providerKey } from '../../services/provider-key/src/config.js';
import { configSchema as token } from '../../services/token/src/config.js';

// The README's configuration tables name every variable a process reads (its config schema).
const readme = fs.readFileSync(path.resolve(import.meta.dirname, '../../README.md'), 'utf8');
const schemas = { gateway, audit, budget, identity, 'provider-key': providerKey, token };

test('every variable a service or the gateway reads is in the README', (t) => {
  const configuration = readme.slice(readme.indexOf('## Configuration'), readme.indexOf('\n## ', readme.indexOf('## Configuration') + 1));
  t.true(configuration.length > 1_000, 'the README has a configuration section');
  const missing = Object.entries(schemas).flatMap(([name, schema]) =>
    Object.keys(schema.shape)
      .filter((v) => !configuration.includes(`\`${v}\``))
      .map((v) => `${name}: ${v}`),
  );
  t.deepEqual(missing, []);
});
