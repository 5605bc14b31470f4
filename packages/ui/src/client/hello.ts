/**
 * BRIDGE-10: before the page sends its token, the server proves it knows it —
 * an HMAC-SHA256, keyed by the token, of "polity-bridge-hello|<port>|<nonce>"
 * for a fresh nonce of ours — so a program that took the port while the node
 * was down never learns the token (and cannot pass it on to the real server on
 * another port: the port is in the proof).
 */
const b64url = (bytes: Uint8Array): string => {
  let s = ''
  for (const b of bytes) s += String.fromCharCode(b)
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
}

export async function expectedProof(token: string, port: number, nonce: string): Promise<string> {
  const enc = new TextEncoder()
  const key = await crypto.subtle.importKey('raw', enc.encode(token), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign'])
  return b64url(new Uint8Array(await crypto.subtle.sign('HMAC', key, enc.encode(`polity-bridge-hello|${port}|${nonce}`))))
}

/** True when the server at `origin` (http://127.0.0.1:port) answers /api/hello with the proof for `token`. */
export async function serverKnowsToken(origin: string, token: string, fetchImpl: typeof fetch = fetch): Promise<boolean> {
  try {
    const port = Number(new URL(origin).port)
    const nonce = b64url(crypto.getRandomValues(new Uint8Array(18)))
    // A fresh nonce makes each address new, and the answer says no-store: never a cached proof.
    const res = await fetchImpl(`${origin}/api/hello?nonce=${nonce}`)
    if (!res.ok) return false
    const { proof } = (await res.json()) as { proof?: unknown }
    return typeof proof === 'string' && proof === (await expectedProof(token, port, nonce))
  } catch {
    return false
  }
}
