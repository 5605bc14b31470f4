/**
 * The client side of the API (BRIDGE-6): a PolityClient built on any
 * transport that delivers a call and brings back its reply — the WebSocket
 * bridge, the Electron preload's IPC, or `serve` in process. An error reply
 * becomes an ApiError with the reply's name, code and message; a transport
 * that fails is reported under the same contract.
 */
import { API_METHODS, type ApiMethod, type PolityClient, type PolityEvent } from './api'
import { toApiError, unwrapReply, type ApiReply } from './reply'

/** Deliver one call, answer with its reply. `method` is a string so a caller can also try names that are not methods. */
export type Invoke = (method: string, input: unknown) => Promise<ApiReply>
export type Subscribe = (listener: (event: PolityEvent) => void) => () => void

/** What a host hands a page: the Electron preload exposes one as `window.polity`. */
export interface PolityTransport {
  readonly invoke: Invoke
  readonly subscribe: Subscribe
}

export function createClient(invoke: Invoke, subscribe: Subscribe): PolityClient {
  const client: Partial<Record<ApiMethod | 'subscribe', unknown>> = {
    subscribe: (listener: (event: PolityEvent) => void) => subscribe(listener),
  }
  for (const method of API_METHODS) {
    client[method] = async (input?: unknown): Promise<unknown> => {
      let reply: unknown
      try {
        reply = await invoke(method, input)
      } catch (e) {
        throw toApiError(e)
      }
      return unwrapReply(reply)
    }
  }
  // Every method of PolityApi is in API_METHODS (API_METHODS_COMPLETE), so the object is whole.
  return client as PolityClient
}
