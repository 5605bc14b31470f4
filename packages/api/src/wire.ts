/**
 * The bridge wire format (BRIDGE-* in docs/PROTOCOL.md): JSON text in which
 * byte arrays are `{"$bytes": "<base64>"}`. Used by the browser-mode
 * WebSocket bridge; Electron IPC passes the same objects by structured clone.
 */
export interface WireRequest {
  readonly kind: 'request'
  readonly id: number
  readonly method: string
  readonly input?: unknown
}
export interface WireResponse {
  readonly kind: 'response'
  readonly id: number
  readonly ok: boolean
  readonly value?: unknown
  readonly error?: { readonly name: string; readonly code: string; readonly message: string }
}
export interface WireEvent {
  readonly kind: 'event'
  readonly event: unknown
}
export type WireMessage = WireRequest | WireResponse | WireEvent

/** An error as the API reports it to a client: a name, a stable code, a message for a person. */
export class ApiError extends Error {
  readonly code: string
  constructor(name: string, code: string, message: string) {
    super(message)
    this.name = name
    this.code = code
  }
}

function toBase64(b: Uint8Array): string {
  let s = ''
  for (let i = 0; i < b.length; i += 0x8000) s += String.fromCharCode(...b.subarray(i, i + 0x8000))
  return btoa(s)
}

function fromBase64(s: string): Uint8Array {
  const bin = atob(s)
  const out = new Uint8Array(bin.length)
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i)
  return out
}

export function encodeWire(msg: WireMessage): string {
  // The replacer looks at the holder's own value: JSON.stringify has already turned a Node
  // Buffer (a Uint8Array) into {type:'Buffer',data:[…]} through its toJSON by the time `v` arrives.
  return JSON.stringify(msg, function (this: Record<string, unknown>, k: string, v: unknown) {
    const original = this[k]
    return original instanceof Uint8Array ? { $bytes: toBase64(original) } : v
  })
}

/** Parse a wire message; throws ApiError('BridgeError', 'ERR_BRIDGE_MESSAGE', …) on anything malformed. */
export function decodeWire(text: string, maxLength = 64 * 1024 * 1024): WireMessage {
  if (typeof text !== 'string' || text.length > maxLength) {
    throw new ApiError('BridgeError', 'ERR_BRIDGE_MESSAGE', 'The bridge message is too large or not text.')
  }
  let msg: unknown
  try {
    msg = JSON.parse(text, (_k, v: unknown) => {
      if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
        const o = v as Record<string, unknown>
        if (Object.hasOwn(o, '$bytes') && typeof o['$bytes'] === 'string' && Object.keys(o).length === 1) return fromBase64(o['$bytes'])
      }
      return v
    })
  } catch {
    throw new ApiError('BridgeError', 'ERR_BRIDGE_MESSAGE', 'The bridge message is not valid JSON.')
  }
  const m = msg as Partial<WireMessage>
  if (m === null || typeof m !== 'object' || Array.isArray(m) || !Object.hasOwn(m, 'kind') || !['request', 'response', 'event'].includes(m.kind as string)) {
    throw new ApiError('BridgeError', 'ERR_BRIDGE_MESSAGE', 'Unknown bridge message kind.')
  }
  return m as WireMessage
}
