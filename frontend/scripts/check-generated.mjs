// Fails when regenerating the GraphQL types from graph/schema and src/ would change src/gql.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const tmp = mkdtempSync(join(tmpdir(), 'clearpost-gql-'));
try {
  execFileSync('npx', ['graphql-codegen', '--config', 'codegen.ts', '--silent'], {
    stdio: 'inherit',
    env: { ...process.env, GQL_OUT: tmp + '/' },
  });
  const committed = 'src/gql';
  const names = new Set([...readdirSync(committed), ...readdirSync(tmp)]);
  const stale = [...names].filter((n) => {
    const read = (dir) => {
      try {
        return readFileSync(join(dir, n), 'utf8');
      } catch {
        return null;
      }
    };
    return read(committed) !== read(tmp);
  });
  if (stale.length > 0) {
    console.error(`src/gql is stale (${stale.join(', ')}): run \`npm run generate\` and commit the result.`);
    process.exit(1);
  }
  console.log('src/gql is up to date with graph/schema and the documents in src/.');
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
