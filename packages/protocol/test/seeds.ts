/**
 * Seeds for every randomized test in the repository (one helper for all
 * packages; test files elsewhere import it by relative path).
 *
 * A seeded test names its fixed seeds — run every time — and the seeds that
 * once failed, each frozen as its own named regression test. Every run also
 * explores `fresh` seeds drawn at random, so the suite keeps finding new
 * cases. Each test prints the seeds it ran; a failing seed prints the command
 * that replays it alone:
 *
 *   POLITY_SEED=<n> npx vitest run <file> -t '<name>'
 *
 * Environment:
 *   POLITY_SEED=n   every seeded test runs seed n only (pick the test with -t);
 *                   fixed, fresh and regression seeds are not run.
 *   POLITY_FRESH=k  k fresh seeds per seeded test instead of its default
 *                   (0: the fixed seeds only, fully deterministic).
 *
 * The helper keeps no state between tests: each test gets its own seeds and
 * `SeedRun`, and a test's randomness must come from the seed it is handed
 * (an `Rng`, a fast-check seed, `TestKeys`).
 */
import { randomInt } from 'node:crypto'
import { relative } from 'node:path'
import { it, type TestContext } from 'vitest'
import { Rng } from './random'

export interface SeededOptions {
  /** Seeds every run uses. */
  readonly fixed: readonly number[]
  /** Seeds that once failed, each its own test: `{ seed, name }`, the name citing the rule it broke. */
  readonly regressions?: readonly { readonly seed: number; readonly name: string }[]
  /** Fresh random seeds per run (default 1); POLITY_FRESH overrides it. */
  readonly fresh?: number
  /** Seeds per test (default: all fixed seeds in one test). */
  readonly chunk?: number
  /** Per-test timeout in ms. */
  readonly timeout?: number
}

export interface SeedRun {
  /** The seeds this test runs. */
  readonly seeds: readonly number[]
  /**
   * True when these are fixed seeds (a chunk of them, or a regression): they
   * give the same cases every run, so statistics over them may be asserted.
   * False for fresh seeds and for a POLITY_SEED replay.
   */
  readonly fixed: boolean
  /** Run `fn` once per seed; a failure names its seed and the command that replays it. */
  each(fn: (rng: Rng) => void): void
  /** The same for asynchronous work, one seed after the other. */
  eachAsync(fn: (rng: Rng) => Promise<void>): Promise<void>
}

/** The seed POLITY_SEED asks for, if any. */
export function replaySeed(): number | undefined {
  const v = process.env['POLITY_SEED']
  if (v === undefined || v === '') return undefined
  const n = Number(v)
  if (!Number.isSafeInteger(n) || n < 0) throw new Error(`POLITY_SEED must be a non-negative integer, not "${v}"`)
  return n
}

function freshCount(fallback: number): number {
  const v = process.env['POLITY_FRESH']
  if (v === undefined || v === '') return fallback
  const n = Number(v)
  if (!Number.isSafeInteger(n) || n < 0) throw new Error(`POLITY_FRESH must be a non-negative integer, not "${v}"`)
  return n
}

/** `1..25` for a run of consecutive seeds, else the list. */
export function describeSeeds(seeds: readonly number[]): string {
  if (seeds.length === 1) return `seed ${seeds[0]}`
  const consecutive = seeds.every((s, i) => i === 0 || s === (seeds[i - 1] as number) + 1)
  return consecutive ? `seeds ${seeds[0]}..${seeds[seeds.length - 1]}` : `seeds ${seeds.join(', ')}`
}

const shellQuote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`
const regexEscape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

/** The command that replays `seed` of the seeded test `name` in `file`. */
export function replayCommand(file: string, name: string, seed: number): string {
  return `POLITY_SEED=${seed} npx vitest run ${relative(process.cwd(), file)} -t ${shellQuote(regexEscape(name))}`
}

function chunks(seeds: readonly number[], size: number): number[][] {
  const out: number[][] = []
  for (let i = 0; i < seeds.length; i += size) out.push(seeds.slice(i, i + size))
  return out
}

function makeRun(name: string, seeds: readonly number[], fixed: boolean, ctx: TestContext): SeedRun {
  const fail = (seed: number, e: unknown): never => {
    const err = e instanceof Error ? e : new Error(String(e))
    const replay = replayCommand(ctx.task.file.filepath, name, seed)
    err.message = `[seed ${seed}] ${err.message}\nReplay: ${replay}`
    console.error(`"${name}" failed with seed ${seed}. Replay it with:\n  ${replay}\nthen freeze it: add { seed: ${seed}, name: '<RULE-ID: what broke>' } to the test's regressions.`)
    throw err
  }
  return {
    seeds,
    fixed,
    each(fn) {
      for (const seed of seeds) {
        try {
          fn(new Rng(seed))
        } catch (e) {
          fail(seed, e)
        }
      }
    },
    async eachAsync(fn) {
      for (const seed of seeds) {
        try {
          await fn(new Rng(seed))
        } catch (e) {
          fail(seed, e)
        }
      }
    },
  }
}

/**
 * Register the tests of one seeded property: its fixed seeds (in chunks of
 * `chunk`), one test per regression seed, and one test of fresh seeds — or,
 * under POLITY_SEED=n, one test that runs seed n. Call it where `it` may be
 * called (at the top of a file or in a `describe`).
 */
export function seeded(name: string, opts: SeededOptions, body: (run: SeedRun) => void | Promise<void>): void {
  const options = opts.timeout === undefined ? {} : { timeout: opts.timeout }
  const register = (title: string, seeds: readonly number[], fixed: boolean): void => {
    it(title, options, async (ctx) => {
      console.log(`${name}: ${describeSeeds(seeds)}${fixed ? '' : ' (fresh)'}`)
      await body(makeRun(name, seeds, fixed, ctx))
    })
  }
  const only = replaySeed()
  if (only !== undefined) {
    register(`${name} — ${describeSeeds([only])} (POLITY_SEED)`, [only], false)
    return
  }
  if (opts.fixed.length > 0) {
    for (const part of chunks(opts.fixed, opts.chunk ?? opts.fixed.length)) register(`${name} — ${describeSeeds(part)}`, part, true)
  }
  for (const r of opts.regressions ?? []) register(`${r.name} (${describeSeeds([r.seed])} of "${name}")`, [r.seed], true)
  const fresh = Array.from({ length: freshCount(opts.fresh ?? 1) }, () => randomInt(1, 2 ** 31))
  if (fresh.length > 0) register(`${name} — fresh ${describeSeeds(fresh)}`, fresh, false)
}
