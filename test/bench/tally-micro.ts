/** Tally timings alone (the rows `pnpm bench` prints), for profiling: `npx -y pnpm@10 exec tsx test/bench/tally-micro.ts`. */
import { tallyApproval, tallyIrv, tallyYesNo } from '@polity/protocol'
import { tallyBallots } from './generate'

const N = 100_000
const { yn, ap, rk } = tallyBallots(N)
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
