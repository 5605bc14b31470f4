import { configDefaults, defineConfig } from 'vitest/config'

// Four projects:
// - `unit` (`pnpm test`): pure and single-process tests, 2–3 minutes on 2 cores (167 s in a CI run on 2026-12-02, with a benchmark running beside it);
// - `slow` (`pnpm test:slow`): the suites listed below — the big generative and
//   convergence runs, the SIGKILL crash test, the simulator, checkpoints, and the
//   tests that spawn the CLI or run the built desktop main process;
// - `network`: real libp2p nodes on 127.0.0.1;
// - `e2e`: the real UI in Debian's Chromium.
// `pnpm test:ci` (and so .ci/run) runs all four. Seeded tests take their seeds
// from packages/protocol/test/seeds.ts (POLITY_SEED, POLITY_FRESH).
const SLOW = [
  'packages/store/test/crash.test.ts',
  'packages/protocol/test/convergence.test.ts',
  'packages/protocol/test/invite-generative.test.ts',
  'packages/protocol/test/governance-generative.test.ts',
  'packages/protocol/test/charter-fuzz.test.ts',
  'packages/protocol/test/roster-incremental.test.ts',
  'packages/protocol/test/roster-cost.test.ts',
  'packages/protocol/test/sealed-convergence.test.ts',
  'packages/protocol/test/sealed-rekey-scale.test.ts',
  'test/unit/sync-simulator.test.ts',
  'test/unit/checkpoint.test.ts',
  'apps/peer/test/cli.test.ts',
  'apps/peer/test/cli-shell.test.ts',
  'apps/peer/test/cli-territory.test.ts',
  'apps/peer/test/cli-relations.test.ts',
  'packages/protocol/test/territory-tally.test.ts',
  'apps/desktop/test/main-smoke.test.ts',
]

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['packages/*/test/**/*.test.ts', 'apps/*/test/**/*.test.ts', 'test/unit/**/*.test.ts'],
          exclude: [...configDefaults.exclude, ...SLOW],
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'slow',
          include: SLOW,
          testTimeout: 300_000,
          hookTimeout: 120_000,
        },
      },
      {
        test: {
          name: 'network',
          include: ['test/network/**/*.test.ts', 'packages/net/test/**/*.network.ts'],
          testTimeout: 180_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          testTimeout: 300_000,
          hookTimeout: 180_000,
          fileParallelism: false,
        },
      },
    ],
  },
})
