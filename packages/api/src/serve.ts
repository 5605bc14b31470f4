/**
 * The host side of the API (BRIDGE-5, BRIDGE-6): one function every host
 * runs for a call it carries from a page — the browser-mode bridge and the
 * Electron main process. The request is untrusted: its method and input are
 * checked (`checkApiInput`) before the node sees them, the method is looked
 * up in a Map of the API's methods (never `api[name]`), and whatever happens
 * the answer is a reply under the one error contract (reply.ts).
 */
import { API_METHODS, type PolityApi } from './api'
import { checkApiInput } from './inputs'
import { settle, type ApiReply } from './reply'
import { ApiError } from './wire'

type Call = (api: PolityApi, input: unknown) => Promise<unknown>

/** Each method name of API_METHODS to a call of that method; names come from our own list, never from a request. */
const CALLS = new Map<string, Call>(
  API_METHODS.map((m): [string, Call] => [m, (api, input) => (api[m] as (x: unknown) => Promise<unknown>).call(api, input)]),
)

/** A request is a plain map `{method, input}`; its fields are read as own properties only. */
function partsOf(request: unknown): { method: unknown; input: unknown } {
  if (request === null || typeof request !== 'object' || Array.isArray(request) || !Object.hasOwn(request, 'method')) {
    throw new ApiError('BridgeError', 'ERR_BRIDGE_MESSAGE', 'A request is a map with a "method" and an "input".')
  }
  const r = request as { method: unknown; input?: unknown }
  return { method: r.method, input: Object.hasOwn(r, 'input') ? r.input : undefined }
}

/**
 * Answer one request from a page: `{ok: true, value}` (no `value` when the
 * method returns nothing) or `{ok: false, error: {name, code, message}}`.
 * Never throws.
 */
export function serve(api: PolityApi, request: unknown): Promise<ApiReply> {
  return settle(() => {
    const { method, input } = partsOf(request)
    const name = checkApiInput(method, input)
    const call = CALLS.get(name) as Call
    return call(api, input)
  })
}
