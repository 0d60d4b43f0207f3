// Architecture rules for src/, checked by `npm run lint:deps` (and scripts/test.sh):
//
//   npx depcruise src --config .dependency-cruiser.cjs
//
// Parser: dependency-cruiser reads TypeScript through the `typescript` package (< 7 only) or
// through SWC. This project compiles with TypeScript 7 (the native compiler, no JS compiler API),
// so dependency-cruiser cannot use it and, left alone, would silently skip every .ts file and
// report "no violations" on an empty graph. We therefore parse with SWC (`@swc/core`, a
// devDependency) and refuse to run without it (see assertParserAvailable below).
//
// SWC does not tell `import type` from a value import, so the rules below cannot rely on
// dependencyTypes 'type-only' to let type imports through; the few legitimate type-only edges are
// allowed by path instead (src/services/deps.ts -> src/config.ts, src/rest/execute.ts ->
// src/graphql/yoga.ts). The `dependencyTypesNot: ['type-only']` clauses keep the intent when a
// type-aware parser is used.
'use strict';

const fs = require('node:fs');
const path = require('node:path');

// Resolve @swc/core the way dependency-cruiser will: from its own location (the running depcruise
// binary), falling back to this directory when loaded some other way.
function assertParserAvailable() {
  const from = [__dirname];
  try {
    if (process.argv[1]) from.unshift(path.dirname(fs.realpathSync(process.argv[1])));
  } catch {
    /* keep __dirname */
  }
  try {
    require.resolve('@swc/core/package.json', { paths: from });
  } catch {
    throw new Error(
      '.dependency-cruiser.cjs: @swc/core is not installed. dependency-cruiser cannot parse .ts with ' +
        'TypeScript 7 and would check nothing. Run `npm ci` (if @swc/core is in devDependencies) or ' +
        '`npm install --save-dev @swc/core`.',
    );
  }
}
assertParserAvailable();

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'Circular dependencies make initialisation order fragile and layers meaningless.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'no-unresolvable',
      severity: 'error',
      comment: 'Every import must resolve; an unresolved one would also hide violations.',
      from: {},
      to: { couldNotResolve: true },
    },
    {
      name: 'graphql-not-to-rest',
      severity: 'error',
      comment: 'The GraphQL layer is the API; the REST layer is a facade over it, never the reverse.',
      from: { path: '^src/graphql/' },
      to: { path: '^src/rest/' },
    },
    {
      name: 'rest-not-to-graphql',
      severity: 'error',
      comment:
        'REST routes execute GraphQL documents through the handler (src/rest/execute.ts -> ' +
        'src/graphql/yoga.ts, the GraphQLHandler type); nothing else in src/rest may reach into src/graphql.',
      from: { path: '^src/rest/', pathNot: '^src/rest/execute\\.ts$' },
      to: { path: '^src/graphql/' },
    },
    {
      name: 'rest-execute-only-to-graphql-handler',
      severity: 'error',
      comment: 'src/rest/execute.ts may depend on src/graphql/yoga.ts only.',
      from: { path: '^src/rest/execute\\.ts$' },
      to: { path: '^src/graphql/', pathNot: '^src/graphql/yoga\\.ts$' },
    },
    {
      name: 'oidc-is-its-own-transport',
      severity: 'error',
      comment:
        'src/oidc (the OpenID provider) is a front door like GraphQL and REST: it reaches the rules ' +
        'through src/services only, and neither of the other transports reaches into it.',
      from: { path: '^src/oidc/' },
      to: { path: '^src/(graphql|rest)/' },
    },
    {
      name: 'transports-not-to-oidc',
      severity: 'error',
      comment: 'GraphQL and REST never import the OpenID provider (bootstrap.ts composes them side by side).',
      from: { path: '^src/(graphql|rest)/' },
      to: { path: '^src/oidc/' },
    },
    {
      name: 'http-edge-self-contained',
      severity: 'error',
      comment: 'src/http holds edge policies (CORS, CSRF, headers) applied to every front door alike; it knows no transport and no service.',
      from: { path: '^src/http/' },
      to: { path: '^src/(graphql|rest|services|oidc)/' },
    },
    {
      name: 'services-transport-agnostic',
      severity: 'error',
      comment:
        'Services are the domain layer: no GraphQL/REST code, no GraphQL libraries (graphql, ' +
        'graphql-yoga, @pothos/*), no oidc-provider and no generated GraphQL documents.',
      from: { path: '^src/services/' },
      to: {
        path: [
          '^src/graphql/',
          '^src/rest/',
          '^src/oidc/',
          '(^|/)node_modules/oidc-provider/',
          '^oidc-provider(/|$)',
          '^src/generated/graphql\\.ts$',
          '(^|/)node_modules/(graphql|graphql-yoga|@pothos/[^/]+)/',
          '^(graphql|graphql-yoga|@pothos/[^/]+)(/|$)',
        ],
      },
    },
    {
      name: 'prisma-client-only-via-platform-db',
      severity: 'error',
      comment:
        'Only src/platform/db.ts touches the generated Prisma client; everything else gets ' +
        'PrismaClient, Prisma and Tx from it. (src/generated/pothos-types.ts is generated from the ' +
        'Prisma schema for the Pothos builder and imports Prisma types itself.)',
      from: {
        path: '^src/',
        pathNot: ['^src/platform/db\\.ts$', '^src/generated/prisma/', '^src/generated/pothos-types\\.ts$'],
      },
      to: { path: '^src/generated/prisma/' },
    },
    {
      name: 'config-only-in-composition-root',
      severity: 'error',
      comment:
        'Configuration is loaded in main.ts and handed down by bootstrap.ts/app.ts; everything ' +
        'else receives what it needs through Deps (src/services/deps.ts holds the Config type).',
      from: {
        path: '^src/',
        pathNot: ['^src/main\\.ts$', '^src/bootstrap\\.ts$', '^src/app\\.ts$', '^src/services/deps\\.ts$'],
      },
      to: { path: '^src/config\\.ts$', dependencyTypesNot: ['type-only'] },
    },
  ],
  options: {
    parser: 'swc',
    // the type-aware parser, when one is usable, should see `import type` edges too
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    // The generated Prisma client is a leaf for us (and cyclic inside, type-only): edges into it
    // are still checked, its own imports are not.
    doNotFollow: { path: ['(^|/)node_modules/', '^src/generated/prisma/'] },
    moduleSystems: ['es6', 'cjs'],
    enhancedResolveOptions: {
      // our imports carry explicit .ts extensions (allowImportingTsExtensions); generated code
      // uses NodeNext-style .js specifiers for .ts files, which dependency-cruiser maps itself
      extensions: ['.ts', '.d.ts', '.js', '.mjs', '.cjs', '.json'],
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      mainFields: ['module', 'main', 'types', 'typings'],
    },
    reporterOptions: {
      text: { highlightFocused: true },
    },
  },
};
