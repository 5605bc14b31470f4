/**
 * The one error contract of the API's hosts (BRIDGE-6): whatever carries a
 * call — in process, the browser-mode WebSocket bridge, Electron IPC — its
 * answer is a reply, `{ok: true, value}` or `{ok: false, error: {name, code,
 * message}}`, and a client turns an error reply back into an ApiError with the
 * same three fields. Errors of ours keep their name and code; anything else
 * (a bug, a library's or the OS's error) is `ERR_INTERNAL`. A message never
 * carries a stack trace.
 */
import { ApiError } from './wire'

export interface ApiErrorInfo {
  readonly name: string
  readonly code: string
  readonly message: string
}

/** The answer to one call. `value` is absent for a call that returns nothing. */
export type ApiReply =
  | { readonly ok: true; readonly value?: unknown }
  | { readonly ok: false; readonly error: ApiErrorInfo }

/** The code of an error that is not one of ours. */
export const INTERNAL_ERROR_CODE = 'ERR_INTERNAL'
/** An error's name as a reply carries it: an identifier, else `Error`. */
const NAME = /^[A-Za-z_$][A-Za-z0-9_$]{0,63}$/
/** Our codes are `ERR_` and upper-case words; a Node system error's `ENOENT` or no code at all is ERR_INTERNAL. */
const CODE = /^ERR_[A-Z0-9_]{1,60}$/
const MAX_MESSAGE = 2000
const NO_MESSAGE = 'Polity could not do that (an internal error).'
/** A line of a V8 stack trace: indented, then `at `. */
const STACK_FRAME = /^\s+at\s/

function cleanMessage(m: string): string {
  const s = m.split('\n').filter((line) => !STACK_FRAME.test(line)).join('\n').trim()
  return s.length > MAX_MESSAGE ? `${s.slice(0, MAX_MESSAGE)}…` : s
}

/** What a reply says about a thrown value: its name, code and message under the contract's rules. */
export function errorInfo(e: unknown): ApiErrorInfo {
  try {
    if (typeof e === 'string') return { name: 'Error', code: INTERNAL_ERROR_CODE, message: cleanMessage(e) || NO_MESSAGE }
    if (e === null || typeof e !== 'object') return { name: 'Error', code: INTERNAL_ERROR_CODE, message: NO_MESSAGE }
    const o = e as { name?: unknown; code?: unknown; message?: unknown }
    const name = typeof o.name === 'string' && NAME.test(o.name) ? o.name : 'Error'
    const code = typeof o.code === 'string' && CODE.test(o.code) ? o.code : INTERNAL_ERROR_CODE
    const message = typeof o.message === 'string' ? cleanMessage(o.message) : ''
    return { name, code, message: message || NO_MESSAGE }
  } catch {
    // A getter that throws, a revoked proxy: still an answer.
    return { name: 'Error', code: INTERNAL_ERROR_CODE, message: NO_MESSAGE }
  }
}

export function errorReply(e: unknown): ApiReply {
  return { ok: false, error: errorInfo(e) }
}

/** Run `work` and answer with a reply; never throws. */
export async function settle(work: () => unknown): Promise<ApiReply> {
  try {
    const value = await work()
    return value === undefined ? { ok: true } : { ok: true, value }
  } catch (e) {
    return errorReply(e)
  }
}

/** The ApiError a client throws for a thrown value or an error reply's `error`. */
export function toApiError(e: unknown): ApiError {
  const i = errorInfo(e)
  return new ApiError(i.name, i.code, i.message)
}

/** A reply's value, or its error thrown as an ApiError with the same name, code and message. */
export function unwrapReply(reply: unknown): unknown {
  if (reply === null || typeof reply !== 'object') throw malformed()
  const r = reply as { ok?: unknown; value?: unknown; error?: unknown }
  if (r.ok === true) return r.value
  if (r.ok === false) throw toApiError(r.error)
  throw malformed()
}

const malformed = (): ApiError => new ApiError('BridgeError', 'ERR_BRIDGE_MESSAGE', 'The reply from the Polity node is malformed.')
