// ESLint: typescript-eslint's strict and stylistic type-checked rules over every TypeScript file,
// ESLint's recommended rules over the few JavaScript ones; formatting is Prettier's (see .prettierrc.json).
// `npm run lint` runs it (and `prettier --check`); `npm test` runs that first.
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';

// The files of tsconfig.tests.json (`tsc -p tsconfig.tests.json`; no tsconfig.json of their own):
// the tests, their support code, the benches and the deploy tools.
const testProgram = [
  'packages/*/test/**/*.ts',
  'services/*/test/**/*.ts',
  'gateway/test/**/*.ts',
  'test/**/*.ts',
  'deploy/test/**/*.ts',
  'deploy/tools/**/*.ts',
];
const tests = testProgram.filter((glob) => !glob.startsWith('deploy/tools/'));

export default defineConfig(
  {
    // Generated (proto/gen, the console's API types), built, local state and tools, Helm charts (Go templates).
    ignores: [
      '**/node_modules/',
      '**/dist/',
      'proto/gen/',
      'console/src/api-schema.ts',
      '.data/',
      '.tools/',
      '.turbo/',
      'bench-results/',
      'deploy/helm/',
    ],
  },
  { linterOptions: { reportUnusedDisableDirectives: 'error' } },
  js.configs.recommended,
  {
    files: ['**/*.ts', '**/*.tsx'],
    extends: [tseslint.configs.strictTypeChecked, tseslint.configs.stylisticTypeChecked],
    languageOptions: {
      // Sources: each workspace's own tsconfig.json (the projects `tsc -b tsconfig.json` builds).
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // noUncheckedIndexedAccess is off and stored or received data is typed as it should be, so the rule
      // flags the code's real runtime guards (index lookups, old documents, foreign errors); removing them changes behaviour.
      '@typescript-eslint/no-unnecessary-condition': 'off',
      // `!` states invariants the types cannot (conn.db once connected, fields a proto message always has,
      // Map entries just set); a runtime check instead would change what fails and how.
      '@typescript-eslint/no-non-null-assertion': 'off',
      // `async` without `await` is deliberate: it satisfies Promise-returning interfaces and turns throws into rejections.
      '@typescript-eslint/require-await': 'off',
      // Mongoose types schema options as class instances (SchemaTypeOptions); every schema literal would be flagged.
      '@typescript-eslint/no-unsafe-class-instance-assignment': 'off',
      // Numbers print as expected in messages; the other non-strings (nullish, objects, any) still need a decision.
      '@typescript-eslint/restrict-template-expressions': [
        'error',
        { allowAny: false, allowBoolean: false, allowNever: false, allowNullish: false, allowNumber: true, allowRegExp: false },
      ],
      // `(x) => doSomething(x)` callbacks are idiomatic here; `return voidCall()` in a block is still flagged.
      '@typescript-eslint/no-confusing-void-expression': ['error', { ignoreArrowShorthand: true }],
      // Passing on a caught error as it is (rejecting with the `unknown` from a catch) is not a smell.
      '@typescript-eslint/prefer-promise-reject-errors': ['error', { allowThrowingUnknown: true }],
      // `const { _id, ...rest } = doc` drops fields on purpose; `_name` marks a parameter a signature needs.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', ignoreRestSiblings: true }],
      // proto3 and the CLI's options say "unset" with '' and 0, so `||` over strings and numbers is deliberate.
      '@typescript-eslint/prefer-nullish-coalescing': ['error', { ignorePrimitives: true }],
      // The deprecated createIndex overload mixes index and command options; calls here pass none, so the
      // three-argument form would only add `undefined, undefined`.
      '@typescript-eslint/no-deprecated': ['error', { allow: [{ from: 'package', package: 'mongodb', name: 'createIndex' }] }],
    },
  },
  {
    files: testProgram,
    languageOptions: {
      parserOptions: { projectService: false, project: './tsconfig.tests.json', tsconfigRootDir: import.meta.dirname },
    },
  },
  {
    files: tests,
    rules: {
      // HTTP and CLI response bodies are `any` on purpose (test/support/http.ts, packages/cli/test/cli.ts):
      // the assertions on them are the check, so these rules would only flag every read of a body.
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/restrict-plus-operands': [
        'error',
        { allowAny: true, allowBoolean: false, allowNullish: false, allowNumberAndString: false, allowRegExp: false },
      ],
      // Assertion messages may print `undefined` (a missing field is what they report) and `any` bodies.
      '@typescript-eslint/restrict-template-expressions': [
        'error',
        { allowAny: true, allowBoolean: false, allowNever: false, allowNullish: true, allowNumber: true, allowRegExp: false },
      ],
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    languageOptions: {
      sourceType: 'module',
      globals: { process: 'readonly', console: 'readonly', Buffer: 'readonly', URL: 'readonly', setTimeout: 'readonly' },
    },
  },
  {
    // Runs under mongosh in the mongo container (docker-entrypoint-initdb.d), whose globals these are.
    files: ['deploy/docker/mongo-init.js'],
    languageOptions: { sourceType: 'script', globals: { db: 'readonly', print: 'readonly' } },
  },
  prettier,
);
