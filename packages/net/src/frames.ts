/**
 * A libp2p v3 stream as a duplex of length-prefixed byte frames (NET-4).
 *
 * v3 streams are event targets (`message`, `close`, `remoteCloseWrite`), not
 * it-pipe duplexes. We listen for `message`, cut frames with libp2p's own
 * LengthPrefixedDecoder (varint length, checked against the limit as soon as
 * the header arrives, before the body is buffered), queue them for a single
 * reader, and `pause()` the stream when the reader falls behind so yamux
 * stops granting the sender window. Limits:
 *  - a frame declared over `maxFrameBytes` resets the stream (FrameTooLargeError);
 *  - no traffic either way for `idleTimeoutMs` resets it (StreamIdleTimeoutError);
 *  - the caller's AbortSignal resets it (NetAbortedError).
 * A remote close or remote reset simply ends the frames (the peer went away);
 * `closeError` says which.
 */
import { LengthPrefixedDecoder } from '@libp2p/utils'
import * as lp from 'it-length-prefixed'
import type { AbortOptions, Stream, StreamCloseEvent, StreamMessageEvent } from '@libp2p/interface'
import { FrameTooLargeError, NetAbortedError, StreamClosedError, StreamIdleTimeoutError } from './errors'

/** Largest frame by default: 4 MiB (sync batches are smaller). */
export const MAX_FRAME_BYTES = 4 * 1024 * 1024
/** Default idle timeout: no bytes either way for this long resets the stream. */
export const DEFAULT_IDLE_TIMEOUT_MS = 60_000

export interface FrameStreamOptions {
  readonly maxFrameBytes?: number
  readonly idleTimeoutMs?: number
  readonly signal?: AbortSignal
}

/**
 * Frames in, frames out. Structurally a `FrameDuplex` of @polity/sync.
 * `frames` has ONE reader. Empty frames are not delivered (the decoder skips them).
 */
export interface FrameStream {
  /** Received frames, in order; ends when the peer closes, throws on a limit or abort. */
  readonly frames: AsyncIterable<Uint8Array>
  /** Send one frame; waits for the stream to drain when its buffer is full. */
  send(frame: Uint8Array, options?: AbortOptions): Promise<void>
  /** Close our writing end gracefully (idempotent, never throws). */
  close(): Promise<void>
  /** Reset the stream at once, discarding buffered data. */
  reset(reason?: Error): void
  /** Why the stream ended, once it has: undefined for a clean close. */
  readonly closeError: Error | undefined
  /** The underlying libp2p stream (for its protocol, direction, status). */
  readonly stream: Stream
}

export function streamFrames(stream: Stream, o: FrameStreamOptions | number = {}): FrameStream {
  const opts: FrameStreamOptions = typeof o === 'number' ? { maxFrameBytes: o } : o
  const maxFrameBytes = opts.maxFrameBytes ?? MAX_FRAME_BYTES
  const idleTimeoutMs = opts.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS
  const highWater = Math.max(maxFrameBytes, 256 * 1024)
  // The decoder's buffer holds at most one partial frame plus one `message` chunk, which after a resume can be the
  // stream's whole read buffer; the stream itself bounds that (maxReadBufferLength), so we only bound the frame.
  const decoder = new LengthPrefixedDecoder({ maxDataLength: maxFrameBytes, maxBufferSize: maxFrameBytes + stream.maxReadBufferLength + 16 })

  const queue: Uint8Array[] = []
  let queued = 0
  let ended = false
  let failure: Error | undefined
  let closeError: Error | undefined
  let wake: (() => void) | undefined
  let idleTimer: ReturnType<typeof setTimeout> | undefined
  let paused = false

  const notify = (): void => {
    const w = wake
    wake = undefined
    w?.()
  }

  const armIdle = (): void => {
    clearTimeout(idleTimer)
    if (ended || idleTimeoutMs <= 0 || !Number.isFinite(idleTimeoutMs)) return
    idleTimer = setTimeout(() => fail(new StreamIdleTimeoutError(idleTimeoutMs)), idleTimeoutMs)
    idleTimer.unref?.()
  }

  const finish = (): void => {
    ended = true
    clearTimeout(idleTimer)
    stream.removeEventListener('message', onMessage)
    stream.removeEventListener('remoteCloseWrite', onRemoteCloseWrite)
    stream.removeEventListener('close', onClose)
    opts.signal?.removeEventListener('abort', onAbort)
    notify()
  }

  /** A local limit or abort: reset the stream and make the reader throw. */
  const fail = (err: Error): void => {
    if (ended) return
    failure = err
    closeError = err
    stream.abort(err)
    finish()
  }

  const onMessage = (evt: StreamMessageEvent): void => {
    if (ended) return
    armIdle()
    try {
      for (const frame of decoder.decode(evt.data)) {
        const b = frame.subarray()
        // A plain Uint8Array view (no copy): consumers should not see Node Buffers from one transport and not another.
        const bytes = new Uint8Array(b.buffer, b.byteOffset, b.byteLength)
        queue.push(bytes)
        queued += bytes.length
      }
    } catch {
      // The decoder throws when a length prefix is over maxFrameBytes (or malformed): the sender broke the protocol.
      fail(new FrameTooLargeError(maxFrameBytes))
      return
    }
    if (queued > highWater && !paused) {
      paused = true
      stream.pause()
    }
    notify()
  }

  const onRemoteCloseWrite = (): void => {
    // No more data will come; frames already queued are still read.
    ended = true
    clearTimeout(idleTimer)
    notify()
  }

  const onClose = (evt: StreamCloseEvent): void => {
    if (evt.error !== undefined && closeError === undefined) closeError = evt.error
    finish()
  }

  const onAbort = (): void => fail(new NetAbortedError('The stream', opts.signal?.reason))

  stream.addEventListener('message', onMessage)
  stream.addEventListener('remoteCloseWrite', onRemoteCloseWrite)
  stream.addEventListener('close', onClose)
  if (opts.signal?.aborted) onAbort()
  else opts.signal?.addEventListener('abort', onAbort, { once: true })
  if (stream.status !== 'open') finish()
  armIdle()

  let reading = false
  const frames: AsyncIterable<Uint8Array> = {
    [Symbol.asyncIterator]() {
      if (reading) throw new Error('FrameStream.frames has a single reader')
      reading = true
      return {
        async next(): Promise<IteratorResult<Uint8Array>> {
          for (;;) {
            if (failure) throw failure
            const head = queue.shift()
            if (head !== undefined) {
              queued -= head.length
              if (paused && queued <= highWater / 2) {
                paused = false
                stream.resume()
              }
              return { done: false, value: head }
            }
            if (ended) return { done: true, value: undefined }
            await new Promise<void>((resolve) => {
              wake = resolve
            })
          }
        },
        async return(): Promise<IteratorResult<Uint8Array>> {
          // The reader stopped early: stop reading (the remote may keep its end open).
          finish()
          return { done: true, value: undefined }
        },
      }
    },
  }

  return {
    frames,
    get closeError() {
      return closeError
    },
    stream,
    async send(frame, options) {
      if (frame.length > maxFrameBytes) throw new FrameTooLargeError(maxFrameBytes, 'sent')
      if (failure) throw failure
      if (stream.writeStatus !== 'writable') throw new StreamClosedError(closeError)
      armIdle()
      try {
        stream.send(lp.encode.single(frame))
        // Backpressure by what is actually queued: libp2p's onDrain() keeps resolving once it has
        // resolved, so a fast sender would fill the stream's write buffer past its limit and be
        // reset (test NET-4 (backpressure)). Wait until the queue is below the mark.
        if (stream.writeBufferLength > WRITE_HIGH_WATER) await waitForRoom(stream, options?.signal)
      } catch (e) {
        if (options?.signal?.aborted) throw new NetAbortedError('Sending', e)
        throw new StreamClosedError(e)
      }
    },
    async close() {
      try {
        if (stream.writeStatus === 'writable') await stream.close({ signal: AbortSignal.timeout(5_000) })
      } catch {
        // A peer that will not take our last bytes gets a reset instead.
        stream.abort(new StreamClosedError())
      }
    },
    reset(reason) {
      fail(reason ?? new StreamClosedError())
    },
  }
}

/** Bytes queued on a stream above which a sender waits (the stream itself resets at 8 MiB). */
export const WRITE_HIGH_WATER = 1024 * 1024

async function waitForRoom(stream: Stream, signal?: AbortSignal): Promise<void> {
  while (stream.writeBufferLength > WRITE_HIGH_WATER && stream.writeStatus === 'writable') {
    if (signal?.aborted) throw signal.reason
    await new Promise<void>((resolve) => {
      const done = (): void => {
        stream.removeEventListener('drain', done)
        stream.removeEventListener('idle', done)
        stream.removeEventListener('close', done)
        signal?.removeEventListener('abort', done)
        clearTimeout(poll)
        resolve()
      }
      // Events drive this; the timer only re-checks in case an event fired between check and wait.
      const poll = setTimeout(done, 100)
      stream.addEventListener('drain', done)
      stream.addEventListener('idle', done)
      stream.addEventListener('close', done)
      signal?.addEventListener('abort', done)
    })
  }
}
