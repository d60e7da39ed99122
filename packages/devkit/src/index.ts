export * from './ports.js';
export * from './infra.js';
export * from './embedded-db.js';
export * from './stack-env.js';
export * from './mesh.js';
export * from './supervisor.js';
