/**
 * BRIDGE-5: a call from a page names a method of the API and only the fields
 * that method takes, looked up as own names. Every name on Object.prototype,
 * `__proto__`, `prototype` and seeded random strings, as a method name, a
 * top-level field, a nested rules/action/method/ballot field or a variant
 * type, gets a named error.
 */
import { describe, expect, it } from 'vitest'
import { API_METHODS, ApiError, checkApiInput, decodeWire } from '../src/index'
import { seeded } from '../../protocol/test/seeds'

function seededNames(seed: number, n: number): string[] {
  let s = seed >>> 0
  const next = (): number => {
    s = (s + 0x6d2b79f5) >>> 0
    let t = s
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  const alphabet = 'abcdefghijklmnopqrstuvwxyz_$ABC0123456789-. é漢🙂'
  return Array.from({ length: n }, () => Array.from({ length: 1 + Math.floor(next() * 12) }, () => alphabet[Math.floor(next() * alphabet.length)]).join(''))
}

const namesFor = (seed: number): string[] => [...new Set([...Object.getOwnPropertyNames(Object.prototype), '__proto__', 'prototype', ...seededNames(seed, 16)])]

/** JSON.parse keeps `__proto__` as an own key, as the bridge receives it. */
const withKey = (o: object, k: string): Record<string, unknown> => JSON.parse(JSON.stringify(o).replace(/^\{/, `{${JSON.stringify(k)}:1${Object.keys(o).length ? ',' : ''}`)) as Record<string, unknown>

const C = 'ab'.repeat(32)
const valid: Record<string, unknown> = {
  createCommunity: { name: 'n', purpose: '', charter: '', rules: { invite: 'member', decisions: { roster: { quorum: [1, 2] } } } },
  setProfile: { community: C, name: 'Ana' },
  createProposal: { community: C, title: 't', text: '', action: { type: 'rules', rules: { invite: 'member' } }, method: { type: 'yesno', quorum: [1, 2], threshold: [1, 2] } },
  vote: { community: C, proposal: C, ballot: { type: 'irv', rank: [0] } },
  listCommunities: undefined,
}

function code(f: () => unknown): string {
  try {
    f()
  } catch (e) {
    expect(e).toBeInstanceOf(ApiError)
    return (e as ApiError).code
  }
  return 'accepted'
}

describe('API input checks (BRIDGE-5)', () => {
  it('BRIDGE-5: well-formed calls pass (the control)', () => {
    for (const [m, input] of Object.entries(valid)) expect(checkApiInput(m, input)).toBe(m)
  })

  seeded('BRIDGE-5: every built-in or random name as a method, a field, a nested field or a variant type is refused', { fixed: [424242] }, (run) => run.each(({ seed: SEED }) => {
    const NAMES = namesFor(SEED)
    let cases = 0
    for (const name of NAMES) {
      expect(code(() => checkApiInput(name, {})), `method ${name}`).toBe('ERR_UNKNOWN_METHOD')
      cases++
      for (const m of API_METHODS) {
        expect(code(() => checkApiInput(m, withKey({}, name))), `${m} + ${name}`).toBe('ERR_INVALID_INPUT')
        cases++
      }
      const nested: [string, (k: string) => Record<string, unknown>][] = [
        ['createCommunity.rules', (k) => ({ ...(valid['createCommunity'] as object), rules: withKey({ invite: 'member' }, k) })],
        ['createCommunity.rules.decisions', (k) => ({ ...(valid['createCommunity'] as object), rules: { decisions: withKey({ roster: { quorum: [1, 2] } }, k) } })],
        ['createCommunity.rules.decisions.roster', (k) => ({ ...(valid['createCommunity'] as object), rules: { decisions: { roster: withKey({ quorum: [1, 2] }, k) } } })],
        ['createProposal.action', (k) => ({ ...(valid['createProposal'] as object), action: withKey({ type: 'resolution' }, k) })],
        ['createProposal.action.rules', (k) => ({ ...(valid['createProposal'] as object), action: { type: 'rules', rules: withKey({ invite: 'member' }, k) } })],
        ['createProposal.method', (k) => ({ ...(valid['createProposal'] as object), method: withKey({ type: 'yesno', quorum: [1, 2], threshold: [1, 2] }, k) })],
        ['vote.ballot', (k) => ({ ...(valid['vote'] as object), ballot: withKey({ type: 'yesno', choice: 'yes' }, k) })],
        ['createProposal.action.type', (k) => ({ ...(valid['createProposal'] as object), action: { type: k } })],
        ['createProposal.method.type', (k) => ({ ...(valid['createProposal'] as object), method: { type: k, quorum: [1, 2] } })],
        ['vote.ballot.type', (k) => ({ ...(valid['vote'] as object), ballot: { type: k } })],
      ]
      for (const [where, make] of nested) {
        const method = where.split('.')[0] as string
        expect(code(() => checkApiInput(method, make(name))), `${where}: ${name}`).toBe('ERR_INVALID_INPUT')
        cases++
      }
    }
    console.log(`BRIDGE-5: seed ${SEED}, ${NAMES.length} names, ${cases} calls refused`)
  }))

  it('BRIDGE-5: the message names the field and what the method takes', () => {
    expect(() => checkApiInput('setProfile', withKey({ community: C, name: 'x' }, 'constructor'))).toThrow('setProfile has no field "constructor"; its fields are community, name.')
    expect(() => checkApiInput('constructor', undefined)).toThrow('Unknown API method "constructor".')
    expect(() => checkApiInput('lock', { x: 1 })).toThrow('lock takes no input.')
    expect(() => checkApiInput('setProfile', [C])).toThrow(/takes a map/)
  })

  it('BRIDGE-3: a wire message whose kind is only inherited, or that is a list, is refused', () => {
    expect(() => decodeWire('{"__proto__":{"kind":"request"},"id":1,"method":"lock"}')).toThrow(/Unknown bridge message kind/)
    expect(() => decodeWire('[{"kind":"request"}]')).toThrow(/Unknown bridge message kind/)
    const bytes = decodeWire('{"kind":"event","event":{"__proto__":{"$bytes":"AQI="}}}') as { event: Record<string, unknown> }
    expect(Object.hasOwn(bytes.event, '__proto__')).toBe(true)
    expect(Object.getPrototypeOf(bytes.event)).toBe(Object.prototype)
  })
})
