import path from 'node:path';
import { createRequire } from 'node:module';
import express, { type Router } from 'express';
import { OpenApiGeneratorV3, type OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { docsCsp } from '../http/security.js';
import type { RouteTable } from './route-table.js';

const require = createRequire(import.meta.url);

export type ApiDocument = ReturnType<OpenApiGeneratorV3['generateDocument']>;

const DOCS_HTML = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Tollgate API</title>
<link rel="stylesheet" href="/docs/assets/swagger-ui.css"></head>
<body><div id="ui"></div>
<script src="/docs/assets/swagger-ui-bundle.js"></script>
<script src="/docs/init.js"></script></body></html>`;

// Served as a file, not inline, so the page works under CSP script-src 'self'.
const DOCS_INIT = `window.ui = SwaggerUIBundle({ url: '/openapi.json', dom_id: '#ui' });`;

/** The OpenAPI document of what is registered (registerDocs's own paths included, once it has run). */
export function documentOf(registry: OpenAPIRegistry): ApiDocument {
  return new OpenApiGeneratorV3(registry.definitions).generateDocument({
    openapi: '3.0.3',
    info: {
      title: 'Tollgate API',
      version: '1.0.0',
      description:
        'Control plane that keeps AI agents on budget and their secrets safe. Errors use the envelope ' +
        '{"error": {code, message, request_id, details?}}. A path asked with a method it does not serve answers ' +
        '405 method_not_allowed with an Allow header; an unknown path answers 404 not_found.',
    },
    servers: [{ url: '/' }],
  });
}

/** /openapi.json generated from the route registry, and Swagger UI at /docs served locally. */
export function registerDocs(router: Router, registry: OpenAPIRegistry, table: RouteTable): void {
  registry.registerComponent('securitySchemes', 'bearer', {
    type: 'http',
    scheme: 'bearer',
    description: 'An access token (JWT from /v1/auth/login) or an API token (tg_pat_… / tg_agt_…)',
  });
  registry.registerPath({
    method: 'get',
    path: '/openapi.json',
    tags: ['Operations'],
    summary: 'This OpenAPI document',
    responses: { 200: { description: 'OpenAPI 3.0 document' } },
  });
  registry.registerPath({
    method: 'get',
    path: '/docs',
    tags: ['Operations'],
    summary: 'Interactive API documentation (Swagger UI)',
    responses: { 200: { description: 'HTML page' } },
  });
  let document: ApiDocument | undefined;
  router.get('/openapi.json', (_req, res) => {
    document ??= documentOf(registry);
    res.json(document);
  });
  const assets = path.dirname(require.resolve('swagger-ui-dist/package.json'));
  router.use('/docs/assets', docsCsp, express.static(assets, { index: false, maxAge: '1h' }));
  router.get('/docs/init.js', (_req, res) => res.type('application/javascript').send(DOCS_INIT));
  router.get('/docs', docsCsp, (_req, res) => res.type('html').send(DOCS_HTML));
  for (const path of ['/openapi.json', '/docs', '/docs/init.js']) table.add('get', path);
}
