/** A pair of in-memory FrameDuplex ends, for tests and the simulator. */
import type { FrameDuplex } from './session'

export interface PipeHooks {
  /** Called for every frame; return false to drop it (the pipe then breaks, like a lost connection). */
  deliver?(frame: Uint8Array, from: 'a' | 'b'): boolean
}

class Queue {
  private readonly items: Uint8Array[] = []
  private waiting: ((r: IteratorResult<Uint8Array>) => void) | undefined
  closed = false
  push(x: Uint8Array): void {
    if (this.closed) return
    if (this.waiting) {
      const w = this.waiting
      this.waiting = undefined
      w({ value: x, done: false })
    } else this.items.push(x)
  }
  close(): void {
    this.closed = true
    if (this.waiting) {
      const w = this.waiting
      this.waiting = undefined
      w({ value: undefined, done: true })
    }
  }
  iterator(): AsyncIterator<Uint8Array> {
    return {
      next: () => {
        const x = this.items.shift()
        if (x) return Promise.resolve({ value: x, done: false })
        if (this.closed) return Promise.resolve({ value: undefined, done: true })
        return new Promise((resolve) => (this.waiting = resolve))
      },
    }
  }
}

export function memoryPipe(hooks: PipeHooks = {}): [FrameDuplex, FrameDuplex] {
  const toA = new Queue()
  const toB = new Queue()
  const closeBoth = (): void => {
    toA.close()
    toB.close()
  }
  const end = (inbox: Queue, outbox: Queue, from: 'a' | 'b'): FrameDuplex => ({
    send(frame) {
      if (outbox.closed) throw new Error('The pipe is closed.')
      if (hooks.deliver && !hooks.deliver(frame, from)) {
        closeBoth()
        return
      }
      outbox.push(frame)
    },
    frames: { [Symbol.asyncIterator]: () => inbox.iterator() },
    close: closeBoth,
  })
  return [end(toA, toB, 'a'), end(toB, toA, 'b')]
}
