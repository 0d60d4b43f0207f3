#!/usr/bin/env bash
# `npm run db:new -- <name>`: writes prisma/migrations/<UTC timestamp>_<name>/migration.sql, the SQL
# that takes a database from the committed migrations to prisma/schema.prisma (computed on an
# in-memory PGlite by the wasm schema engine; no database or shadow database needed).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
name="${1:?usage: npm run db:new -- <name>}"
dir="prisma/migrations/$(date -u +%Y%m%d%H%M%S)_${name}"
mkdir -p "$dir"
trap 'rc=$?; [ $rc -eq 0 ] || rm -rf "$dir"' EXIT
node scripts/prisma-wasm/cli.mjs diff --from migrations --to schema --url pglite:memory >"$dir/migration.sql"
if ! grep -qvE '^(--|$)' "$dir/migration.sql"; then
  rm -rf "$dir"
  echo "db:new: prisma/schema.prisma matches the migrations; nothing written" >&2
  exit 1
fi
echo "wrote $dir/migration.sql"
