/**
 * A libp2p v3 stream as a FrameDuplex of length-prefixed frames (NET-3), with
 * a maximum frame size enforced on read: an oversized frame resets the stream.
 */
import { lpStream } from '@libp2p/utils'
import type { Stream } from '@libp2p/interface'
import type { FrameDuplex } from '@polity/sync'

export const MAX_FRAME_BYTES = 4 * 1024 * 1024

export function streamFrames(stream: Stream, maxFrameBytes = MAX_FRAME_BYTES): FrameDuplex {
  const lp = lpStream(stream, { maxDataLength: maxFrameBytes })
  let closed = false
  return {
    async send(frame) {
      await lp.write(frame)
    },
    frames: {
      async *[Symbol.asyncIterator]() {
        while (!closed) {
          let chunk
          try {
            chunk = await lp.read()
          } catch {
            // End of stream, reset, or a frame over the limit (lpStream rejects it): stop reading.
            return
          }
          yield chunk.subarray()
        }
      },
    },
    close() {
      if (closed) return
      closed = true
      stream.close().catch(() => stream.abort(new Error('closed')))
    },
  }
}
