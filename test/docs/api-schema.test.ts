import fs from 'node:fs';
import test from 'ava';
import { API_SCHEMA_COMMAND, apiSchemaFile, apiSchemaText } from '../../scripts/api-schema.js';

// The console's API types are generated from the OpenAPI document (the gateway's route schemas):
// a change of a route's response schema must reach the console's types, not drift past them.
test('console/src/api-schema.ts is what scripts/api-schema.ts generates from the OpenAPI document', async (t) => {
  t.true(fs.existsSync(apiSchemaFile), `console/src/api-schema.ts is missing: run ${API_SCHEMA_COMMAND}`);
  t.true(
    fs.readFileSync(apiSchemaFile, 'utf8') === (await apiSchemaText()),
    `console/src/api-schema.ts is stale: run ${API_SCHEMA_COMMAND}`,
  );
});
