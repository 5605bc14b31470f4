/** Tally timings alone (the rows `pnpm bench` prints), for profiling: `npx -y pnpm@10 exec tsx test/bench/tally-micro.ts`. */
import { tallyApproval, tallyIrv, tallyYesNo, type Ballot } from '@polity/protocol'

const N = 100_000
let seed = 7
const rnd = (): number => ((seed = (seed * 48271) % 2147483647) / 2147483647)
const yn: Ballot[] = Array.from({ length: N }, () => ({ type: 'yesno', choice: rnd() < 0.5 ? 'yes' : rnd() < 0.5 ? 'no' : 'abstain' }))
const ap: Ballot[] = Array.from({ length: N }, () => ({ type: 'approval', approve: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9].filter(() => rnd() < 0.3) }))
const rk: Ballot[] = Array.from({ length: N }, () => ({ type: 'irv', rank: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9].sort(() => rnd() - 0.5).slice(0, 1 + Math.floor(rnd() * 9)) }))
for (let round = 0; round < 3; round++) {
  for (const [name, f] of [
    ['yes/no/abstain', () => tallyYesNo(yn, N, [1, 2], [1, 2])],
    ['approval', () => tallyApproval(ap, 10, N, [1, 2])],
    ['ranked choice', () => tallyIrv(rk, 10, N, [1, 2])],
  ] as const) {
    const t = performance.now()
    f()
    console.log(`${name}: ${(performance.now() - t).toFixed(1)} ms`)
  }
}
