/**
 * The console's API types, generated from the OpenAPI document the gateway serves (its routes'
 * zod schemas: gateway/src/routes/), so the console's idea of a response cannot drift from the API.
 *
 *   npm run api:schema      # rewrites console/src/api-schema.ts
 *
 * The document is built without a server (describeApi) and turned into types by openapi-typescript.
 * test/docs/api-schema.test.ts fails when the committed file differs from what this writes.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import openapiTS, { astToString, type OpenAPI3 } from 'openapi-typescript';
import { describeApi } from '@tollgate/gateway';

export const API_SCHEMA_COMMAND = 'npm run api:schema';

export const apiSchemaFile = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../console/src/api-schema.ts');

const HEADER = `// Generated from the gateway's OpenAPI document by scripts/api-schema.ts (\`${API_SCHEMA_COMMAND}\`): do not edit.
// The console names the types it uses in src/api.ts.

`;

/** console/src/api-schema.ts as it should be: the types of the document /openapi.json serves by default. */
export async function apiSchemaText(): Promise<string> {
  const ast = await openapiTS(describeApi() as OpenAPI3, { silent: true });
  return HEADER + astToString(ast);
}

const invokedDirectly = process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (invokedDirectly) {
  fs.writeFileSync(apiSchemaFile, await apiSchemaText());
  process.stdout.write(`wrote ${path.relative(process.cwd(), apiSchemaFile)}\n`);
}
