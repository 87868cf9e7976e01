#!/usr/bin/env bash
# A/B of the answering UAS (samples/uas.ts) between an earlier commit and the working tree:
# builds both with tsc into temporary directories, then runs bench/lib/quick-uas-mem.ts (a SIPp
# ladder with peak RSS / tree Pss and the heap per live transaction after a full GC) alternately,
# old, new, old, new, so the machine's swings fall on both sides.
#   bash bench/lib/ab-uas.sh REV            e.g. bash bench/lib/ab-uas.sh 40ea446
# Environment: RATES (default 2000,2500,3000), TRANSPORTS (default u1), ROUNDS (default 2).
# Needs sipp; loopback only; every step bounded (quick-uas-mem's SIPp timeout).
set -euo pipefail
rev=${1:?usage: bash bench/lib/ab-uas.sh REV}
root=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d /tmp/tsip-ab-uas-XXXXXX)
trap 'git -C "$root" worktree remove --force "$work/src-old" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
git -C "$root" worktree add -q --detach "$work/src-old" "$rev"
build() { # source root, output directory
  mkdir -p "$2"
  node "$root/node_modules/typescript/bin/tsc" -p "$1/tsconfig.json" --outDir "$2" --sourceMap false --declaration false >/dev/null || true
  test -f "$2/samples/uas.js" || { echo "no samples/uas.js built from $1" >&2; exit 1; }
  echo '{"type":"module"}' > "$2/package.json"
  ln -s "$root/node_modules" "$2/node_modules"
}
build "$work/src-old" "$work/old"
build "$root" "$work/new"
export RATES=${RATES:-2000,2500,3000} TRANSPORTS=${TRANSPORTS:-u1}
cd "$root"
for ((i = 1; i <= ${ROUNDS:-2}; i++)); do
  for v in old new; do npx tsx bench/lib/quick-uas-mem.ts "$work/$v/samples/uas.js" "$v($([ $v = old ] && echo "$rev" || echo work))"; done
done
