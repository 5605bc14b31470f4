/**
 * Progress of long tasks (BRIDGE-9): opening a community (the replay behind
 * its checkpoint), importing a bundle, unlocking or sealing the keystore
 * (scrypt), and a first sync counted against the peer's own total. Each is
 * told to subscribers as `{type: 'progress', community, task, done, total}`:
 * once at the start (done 0), at most every PROGRESS_INTERVAL_MS after, and
 * once at the end (done = total).
 */
import type { CommunityId, PolityEvent, ProgressTask } from '@polity/api'

export const PROGRESS_INTERVAL_MS = 100

export class Progress {
  private done = 0
  private last = -Infinity
  private ended = false

  constructor(
    private readonly emit: (e: PolityEvent) => void,
    private readonly task: ProgressTask,
    private readonly community: CommunityId | null,
    private total: number,
    private readonly clock: () => number = () => performance.now(),
  ) {
    this.tell(true)
  }

  /** `n` more units done. */
  add(n: number): void {
    this.set(this.done + n)
  }

  /** `done` units done (of a total that may have grown). */
  set(done: number, total = this.total): void {
    if (this.ended) return
    this.total = Math.max(total, 0)
    this.done = Math.min(Math.max(done, 0), this.total)
    this.tell(false)
  }

  /** Finished: done = total, told at once. */
  end(): void {
    if (this.ended) return
    this.done = this.total
    this.tell(true)
    this.ended = true
  }

  private tell(force: boolean): void {
    const now = this.clock()
    if (!force && now - this.last < PROGRESS_INTERVAL_MS) return
    this.last = now
    this.emit({ type: 'progress', community: this.community, task: this.task, done: this.done, total: this.total })
  }
}

/** scrypt reports a fraction; a bar counts per mille. */
export const KDF_STEPS = 1000

/** The keystore's key derivations (unlock, or sealing a new identity) as progress events, one derivation at a time. */
export function kdfProgress(emit: (e: PolityEvent) => void): (task: 'unlock' | 'identity', fraction: number) => void {
  let current: Progress | undefined
  return (task, fraction) => {
    current ??= new Progress(emit, task, null, KDF_STEPS)
    if (fraction >= 1) {
      current.end()
      current = undefined
    } else current.set(Math.round(fraction * KDF_STEPS))
  }
}
