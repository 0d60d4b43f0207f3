import type { CodegenConfig } from '@graphql-codegen/cli';

// Typed documents for the REST routes (src/rest/routes/*.graphql) and the tests
// (test/**/*.graphql), checked against the committed schema. Run `npm run generate`.
const config: CodegenConfig = {
  schema: 'schema/schema.graphql',
  documents: ['src/rest/routes/**/*.graphql', 'test/**/*.graphql'],
  generates: {
    'src/generated/graphql.ts': {
      plugins: ['typescript-operations', 'typed-document-node'],
      config: {
        useTypeImports: true,
        enumsAsTypes: true,
        avoidOptionals: { field: true, inputValue: false, object: true },
        scalars: { DateTime: 'string', JSONObject: 'Record<string, unknown>', ID: 'string' },
        dedupeFragments: true,
      },
    },
  },
  hooks: { afterAllFileWrite: [] },
};

export default config;
