#!/usr/bin/env bash
# Regenerates the gqlgen code in a scratch copy of the tree and fails if it differs from what is
# committed. The working tree is left untouched.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
tar -C "$root" --exclude=./bin --exclude=./.git --exclude=./frontend/node_modules -cf - . | tar -C "$scratch" -xf -
(cd "$scratch" && go tool gqlgen generate)
if ! diff -r -q "$root/graph" "$scratch/graph" >/dev/null; then
  echo "generated GraphQL code is stale: run 'make generate' and commit the result" >&2
  diff -r -u "$root/graph" "$scratch/graph" | head -50 >&2
  exit 1
fi
echo "generated code is up to date"
