#!/usr/bin/env bash
# Refreshes the GraphQL IDE's vendored builds (graph/ide/assets) from the npm registry. Change the
# versions here and ide.Version together.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out="$root/graph/ide/assets"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
npm pack --silent graphiql@3.9.0 react@18.3.1 react-dom@18.3.1 >/dev/null
for f in *.tgz; do mkdir -p "${f%.tgz}" && tar -xzf "$f" -C "${f%.tgz}"; done
gzip -9 -n -c graphiql-3.9.0/package/graphiql.min.js >"$out/graphiql.min.js.gz"
gzip -9 -n -c graphiql-3.9.0/package/graphiql.min.css >"$out/graphiql.min.css.gz"
gzip -9 -n -c react-18.3.1/package/umd/react.production.min.js >"$out/react.production.min.js.gz"
gzip -9 -n -c react-dom-18.3.1/package/umd/react-dom.production.min.js >"$out/react-dom.production.min.js.gz"
echo "IDE assets written to $out"
