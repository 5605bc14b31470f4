#!/usr/bin/env bash
# `pnpm test:ci` — the README's test command, on a fresh Debian or Ubuntu machine:
#   1. Chromium for the end-to-end tests: installed with apt-get when missing
#      (as root); otherwise it stops and prints the one command to run;
#   2. lint and typecheck;
#   3. the builds the tests run: the UI and the bundled `polity` command
#      (the desktop smoke test bundles the Electron main process itself);
#   4. every test project: unit (fast), slow (generative and convergence runs,
#      the crash test, the simulator, the CLI and desktop smoke tests), network, e2e.
# Seeded tests run their fixed seeds and a few fresh ones; a failure prints
# the POLITY_SEED=… command that replays it (packages/protocol/test/seeds.ts).
set -euo pipefail
cd "$(dirname "$0")/.."
chromium="${CHROMIUM_PATH:-/usr/bin/chromium}"
if [ ! -x "$chromium" ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "Installing Debian's chromium for the end-to-end tests…"
    if ! (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null); then
      echo "Chromium could not be installed. Install it with:  apt-get install -y chromium   then run this again." >&2
      exit 1
    fi
  else
    echo "The end-to-end tests need Chromium. Install it with:  sudo apt-get install -y chromium   then run this again." >&2
    exit 1
  fi
fi
pnpm lint
pnpm typecheck
pnpm --filter @polity/ui build
pnpm build:cli
vitest run --project unit
vitest run --project slow
vitest run --project network
vitest run --project e2e
