import type { CodegenConfig } from '@graphql-codegen/cli';

// Typed documents for every graphql() call in src/, from the server's schema.
// GQL_OUT lets `npm run check:generated` generate elsewhere and compare.
const out = process.env.GQL_OUT ?? 'src/gql/';

const config: CodegenConfig = {
  schema: '../graph/schema/*.graphqls',
  documents: ['src/**/*.{ts,tsx}', '!src/gql/**/*', '!src/**/*.test.{ts,tsx}'],
  ignoreNoDocuments: true,
  generates: {
    [out]: {
      preset: 'client',
      presetConfig: { fragmentMasking: false },
      config: {
        scalars: { Time: 'string', JSON: 'unknown' },
        enumsAsTypes: true,
        useTypeImports: true,
        skipTypename: false,
        avoidOptionals: { field: true, inputValue: false, object: true, defaultValue: false },
      },
    },
  },
};
export default config;
