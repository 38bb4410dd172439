#!/bin/sh
# Writes tmp/sgci-app.tar: sgci's runtime tree for examples/build/sgci.yaml (unpacked at /opt/sgci) — the tracked
# bin, src (without tests and test support), schema, package.json and LICENSE, and the production dependencies as
# `npm ci` installed them (docs stay out: nothing reads them at run time, and their examples look like secrets). Deterministic (sorted, mtime 0, numeric owner 0), so one package-lock.json gives one
# sha256 on any machine; prints it for examples/build/sgci.yaml's files[].sha256.
set -eu
cd "$(dirname "$0")/.."
out=tmp/sgci-app.tar
mkdir -p tmp
list=$(mktemp)
trap 'rm -f "$list"' EXIT
git ls-files bin src schema package.json LICENSE |
  grep -Ev '(\.test\.ts|(^|/|-)testing\.ts)$' >"$list"
# the production closure, each package's own files (a nested node_modules is listed by npm as its own package)
npm ls --omit=dev --all --parseable | sed -n 's#^.*/node_modules/#node_modules/#p' | sort -u |
  while read -r dir; do
    find "$dir/" \( -path "$dir/node_modules" -o -path "$dir/node_modules/*" \) -prune -o \( -type f -o -type l \) -print
  done >>"$list"
LC_ALL=C sort -u -o "$list" "$list"
# bin/sgci.js goes in without its execute bit: the image runs it through node (its entrypoint), and its
# `#!/usr/bin/env node` line could not run there anyway (no env, no shell), so the bit would only make an
# executable that no package owns (SGCI-COMP-001)
entry=bin/sgci.js
grep -vx "$entry" "$list" >"$list.rest"
mv "$list.rest" "$list"
set -- --no-recursion --sort=name --format=gnu --mtime=@0 --owner=0 --group=0 --numeric-owner
tar --create --file="$out" "$@" --mode=go-w --verbatim-files-from --files-from="$list"
tar --append --file="$out" "$@" --mode=a-x,go-w "$entry"
echo "$(sha256sum "$out" | cut -d' ' -f1)  $out ($(($(wc -l <"$list") + 1)) files)"
