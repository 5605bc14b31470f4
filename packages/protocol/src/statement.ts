/**
 * Statements of outside bodies (REL-7, REL-8 in docs/PROTOCOL.md §20): a
 * small JSON file an office that runs no Polity signs with any ed25519 tool.
 *
 *   {"format": "polity-statement", "v": 1, "body": <hex public key>,
 *    "to": <hex community id>, "action": "recognize" | "withdraw",
 *    "date": "YYYY-MM-DD", "text": <text>, "signature": <hex or base64>}
 *
 * The signature is ed25519 over the UTF-8 bytes of
 *
 *   polity-statement v1\n
 *   to <community id, 64 lowercase hex>\n
 *   action <recognize|withdraw>\n
 *   date <YYYY-MM-DD>\n
 *   \n
 *   <text, exactly>
 *
 * so `openssl pkeyutl -sign -inkey body.pem -rawin -in message.txt | xxd -p -c 64`
 * signs it.
 */
import { fromHex, toHex, utf8 } from './encoding/bytes'
import { sha256 } from './crypto/hash'
import { verifyStrict } from './crypto/ed25519'
import { STATEMENT_DATE } from './op/relations-kinds'

export const STATEMENT_FORMAT = 'polity-statement'
const MAX_STATEMENT_BYTES = 64 * 1024
const MAX_TEXT = 5000

export interface Statement {
  body: string
  to: string
  action: 'recognize' | 'withdraw'
  date: string
  text: string
  signature: string
}

export interface StatementVerification {
  ok: boolean
  statement: Statement | null
  /** sha256 of the file, hex. */
  sha256: string
  problems: string[]
}

/** REL-8: the bytes a body signs. */
export function statementMessage(s: { to: string; action: string; date: string; text: string }): Uint8Array {
  return utf8.encode(`polity-statement v1\nto ${s.to}\naction ${s.action}\ndate ${s.date}\n\n${s.text}`)
}

/** REL-8: does `signature` (64 bytes) sign this statement for `body`? */
export function statementSignatureValid(s: { to: string; action: string; date: string; text: string }, body: Uint8Array, signature: Uint8Array): boolean {
  try {
    return verifyStrict(signature, statementMessage(s), body)
  } catch {
    return false
  }
}

const HEX64 = /^[0-9a-f]{64}$/

/** A signature as hex (128 digits) or base64 (88 characters); undefined if neither. */
export function signatureBytes(s: string): Uint8Array | undefined {
  const t = s.trim()
  if (/^[0-9a-fA-F]{128}$/.test(t)) return fromHex(t.toLowerCase(), 64)
  if (/^[A-Za-z0-9+/]{86}==$/.test(t)) {
    const b = Uint8Array.from(atob(t), (c) => c.charCodeAt(0))
    return b.length === 64 ? b : undefined
  }
  return undefined
}

/**
 * REL-8: check a statement file with nothing but the file. `expect` names
 * the body's key and the community it must be addressed to, when known.
 */
export function verifyStatement(bytes: Uint8Array, expect: { body?: string; to?: string } = {}): StatementVerification {
  const digest = toHex(sha256(bytes))
  const fail = (p: string): StatementVerification => ({ ok: false, statement: null, sha256: digest, problems: [p] })
  if (bytes.length > MAX_STATEMENT_BYTES) return fail(`REL-8: a statement file is at most ${MAX_STATEMENT_BYTES} bytes.`)
  let v: unknown
  try {
    v = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes))
  } catch {
    return fail('REL-8: the file is not JSON (UTF-8).')
  }
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return fail('REL-8: the file is not a statement object.')
  const o = v as Record<string, unknown>
  if (o['format'] !== STATEMENT_FORMAT || o['v'] !== 1) return fail('REL-8: the file is not a Polity statement (format "polity-statement", v 1).')
  const str = (k: string): string | undefined => (Object.hasOwn(o, k) && typeof o[k] === 'string' ? (o[k] as string) : undefined)
  const body = str('body')?.toLowerCase()
  const to = str('to')?.toLowerCase()
  const action = str('action')
  const date = str('date')
  const text = str('text')
  const sig = str('signature')
  const problems: string[] = []
  if (!body || !HEX64.test(body)) problems.push('REL-8: "body" must be the body\'s ed25519 public key, 64 hex digits.')
  if (!to || !HEX64.test(to)) problems.push('REL-8: "to" must be a community id, 64 hex digits.')
  if (action !== 'recognize' && action !== 'withdraw') problems.push('REL-8: "action" must be "recognize" or "withdraw".')
  if (!date || !STATEMENT_DATE.test(date)) problems.push('REL-8: "date" must be a date YYYY-MM-DD.')
  if (text === undefined || text.length > MAX_TEXT) problems.push(`REL-8: "text" must be a text of at most ${MAX_TEXT} characters.`)
  const signature = sig === undefined ? undefined : signatureBytes(sig)
  if (!signature) problems.push('REL-8: "signature" must be 64 bytes, as hex or base64.')
  if (problems.length > 0) return { ok: false, statement: null, sha256: digest, problems }
  const s: Statement = { body: body as string, to: to as string, action: action as Statement['action'], date: date as string, text: text as string, signature: toHex(signature as Uint8Array) }
  if (!statementSignatureValid(s, fromHex(s.body, 32), signature as Uint8Array)) problems.push('REL-8: the signature does not verify: the statement was changed, or signed by another key.')
  if (expect.body !== undefined && expect.body !== s.body) problems.push('REL-7: the statement is signed by another key than the body\'s.')
  if (expect.to !== undefined && expect.to !== s.to) problems.push('REL-8: the statement is addressed to another community.')
  return { ok: problems.length === 0, statement: s, sha256: digest, problems }
}
