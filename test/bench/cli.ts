/**
 * `pnpm bench:cli`: the `polity` start-up rows alone (cli-startup.ts), printed
 * beside their baseline and written to test/bench/results/cli.json. `pnpm
 * bench` measures the same rows with the rest.
 */
import { cpus } from 'node:os'
import { mkdirSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { measureCliStartup } from './cli-startup'

const rows = await measureCliStartup()
const r = (x: number): number => Math.round(x * 10) / 10
console.log(`polity start-up — ${cpus().length} cores, Node ${process.version}, median of 7 runs after a warm-up`)
console.log('\n| command | time | baseline | baseline time | ratio |\n| --- | --- | --- | --- | --- |')
for (const x of rows) console.log(`| ${x.name} | ${r(x.ms)} ms${x.note ? ` (${x.note})` : ''} | ${x.baseline} | ${r(x.baselineMs)} ms | ${r(x.ms / x.baselineMs)} |`)
mkdirSync(fileURLToPath(new URL('./results/', import.meta.url)), { recursive: true })
writeFileSync(fileURLToPath(new URL('./results/cli.json', import.meta.url)), `${JSON.stringify({ date: new Date().toISOString(), node: process.version, cores: cpus().length, rows }, null, 2)}\n`)
