#!/usr/bin/env bash
# Install bun from the npm registry into .tools/ (Reflex's own installer downloads from elsewhere).
set -u
ver=${1:-1.4.4}
cd "$(dirname "$0")/.." || exit 1
command -v npm >/dev/null || { echo "error: npm is missing: install Node.js 20+ and npm, then re-run"; exit 1; }
registry=$(npm config get registry 2>/dev/null)
if ! npm install --silent --no-audit --no-fund --prefix .tools --registry "$registry" "bun@$ver" >/dev/null 2>.tools-npm.log; then
  echo "error: could not install bun@$ver from the npm registry ($(tail -n 1 .tools-npm.log)); check 'npm config get registry'"
  rm -f .tools-npm.log; exit 1
fi
rm -f .tools-npm.log
bin=.tools/node_modules/bun/bin/bun.exe
[ -x "$bin" ] || { echo "error: bun@$ver installed but $bin is missing; delete .tools and re-run"; exit 1; }
mkdir -p .tools/bin && ln -sf ../node_modules/bun/bin/bun.exe .tools/bin/bun
.tools/bin/bun --version >/dev/null 2>&1 || { echo "error: .tools/bin/bun does not run on this machine; delete .tools and re-run"; rm -f .tools/bin/bun; exit 1; }
echo "bun $(.tools/bin/bun --version) installed in .tools/"
