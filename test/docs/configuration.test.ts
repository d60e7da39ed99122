import test from 'ava';
import { configModules } from '../../deploy/test/support/config-loaders.js';
import { configurationSection } from './readme.js';

// The README's configuration tables name every variable a process reads (its config schema).
test('every variable a service or the gateway reads is in the README', (t) => {
  t.true(configurationSection.length > 1_000, 'the README has a configuration section');
  const missing = Object.entries(configModules).flatMap(([name, { configSchema }]) =>
    Object.keys(configSchema.shape)
      .filter((v) => !configurationSection.includes(`\`${v}\``))
      .map((v) => `${name}: ${v}`),
  );
  t.deepEqual(missing, []);
});
