/**
 * ENV-5a / ENC-4: untrusted keys are looked up as own properties only.
 *
 * Generative: for every op kind, every nested record and every variant in
 * op/kinds.ts, and for every name on Object.prototype plus `__proto__`,
 * `prototype`, every field name used anywhere in a body, and seeded random
 * strings — an extra field with that name, and a variant `type` with that
 * name, are rejected by decodeOp on a real signed envelope.
 */
import { describe, expect, it } from 'vitest'
import {
  DecodeError, OP_KINDS, checkBody, createOp, isOpKind, decodeCanonical, decodeOp, encodeCanonical, fromHex, generateKeyPair, sign,
  type CborValue, type OpKind,
} from '../src/index'
import { concatBytes, utf8 } from '../src/encoding/bytes'
import { actionShapes, ballotShapes, methodShapes, DEFAULT_RULES } from '../src/op/kinds'
import { nodeCrypto } from './node-crypto'
import { Rng } from './random'
import { seeded } from './seeds'
import { Actor, community as makeCommunity, propose } from './harness'

const key = generateKeyPair()
const b32 = (n: number): Uint8Array => new Uint8Array(32).fill(n)
const b64 = (n: number): Uint8Array => new Uint8Array(64).fill(n)
const rulesValue = (): CborValue => structuredClone(DEFAULT_RULES) as unknown as CborValue

const methods: Record<keyof typeof methodShapes, () => CborValue> = {
  yesno: () => ({ type: 'yesno', quorum: [1, 2], threshold: [1, 2] }),
  approval: () => ({ type: 'approval', options: ['a', 'b'], quorum: [1, 2] }),
  irv: () => ({ type: 'irv', options: ['a', 'b'], quorum: [1, 2] }),
}
const actions: Record<keyof typeof actionShapes, () => CborValue> = {
  resolution: () => ({ type: 'resolution' }),
  amend: () => ({ type: 'amend', charter: '# v1', base: 0 }),
  admit: () => ({ type: 'admit', member: b32(3) }),
  remove: () => ({ type: 'remove', member: b32(3) }),
  role: () => ({ type: 'role', member: b32(3), role: 'steward' }),
  rules: () => ({ type: 'rules', rules: rulesValue() }),
  recognize: () => ({ type: 'recognize', community: b32(4), name: 'B', statement: 'We recognize B.' }),
  unrecognize: () => ({ type: 'unrecognize', community: b32(4) }),
  place: () => ({ type: 'place', placeName: 'Hub', kind: 'hub', status: 'proposed', precision: 'hidden', area: 0, docs: [] }),
  placeStatus: () => ({ type: 'placeStatus', place: b32(5), status: 'funding' }),
}
const ballots: Record<keyof typeof ballotShapes, () => CborValue> = {
  yesno: () => ({ type: 'yesno', choice: 'yes' }),
  approval: () => ({ type: 'approval', approve: [0] }),
  irv: () => ({ type: 'irv', rank: [1, 0] }),
}

/** Valid bodies covering every kind and every variant alternative. */
function samples(): { kind: OpKind; body: CborValue }[] {
  const out: { kind: OpKind; body: CborValue }[] = [
    { kind: 'genesis', body: { name: 'n', purpose: '', charter: 'c', rules: rulesValue(), founder: b32(1), cert: b64(1) } },
    {
      kind: 'genesis',
      body: {
        name: 'n', purpose: '', charter: 'c', rules: rulesValue(), founder: b32(1), cert: b64(1),
        parent: { community: b32(9), heads: [b32(8)], version: 0, charterHash: b32(7), members: [b32(1)] },
      },
    },
    { kind: 'device.link', body: { member: b32(1), cert: b64(1) } },
    { kind: 'invite.create', body: { key: b32(2), uses: 1, expires: 5 } },
    { kind: 'invite.revoke', body: { invite: b32(2) } },
    { kind: 'member.join', body: { member: b32(1), cert: b64(1), invite: b32(2), proof: b64(2) } },
    { kind: 'fork.join', body: { member: b32(1), cert: b64(1) } },
    { kind: 'member.leave', body: {} },
    { kind: 'member.remove', body: { member: b32(1), reason: '' } },
    { kind: 'member.role', body: { member: b32(1), role: 'member' } },
    { kind: 'profile.set', body: { name: 'Ana' } },
    { kind: 'charter.bind', body: { client: 7 } },
    { kind: 'charter.edit', body: { update: new Uint8Array([0, 0]) } },
    { kind: 'proposal.withdraw', body: { proposal: b32(4) } },
    { kind: 'proposal.close', body: { proposal: b32(4) } },
    { kind: 'comment.add', body: { proposal: b32(4), text: 'hi' } },
    { kind: 'comment.add', body: { proposal: b32(4), text: 'hi', replyTo: b32(5) } },
  ]
  for (const a of Object.values(actions)) {
    for (const m of Object.values(methods)) out.push({ kind: 'proposal.create', body: { title: 't', text: '', action: a(), method: m(), deadline: 0 } })
  }
  for (const b of Object.values(ballots)) out.push({ kind: 'vote.cast', body: { proposal: b32(4), ballot: b() } })
  return out
}

function envelope(kind: OpKind, body: CborValue): Uint8Array {
  const genesis = kind === 'genesis'
  const payload = encodeCanonical({
    v: 1, community: genesis ? null : b32(6), author: key.publicKey, seq: genesis ? 1 : 2,
    deps: genesis ? [] : [b32(5)], time: 1, kind, body,
  })
  const signature = sign(concatBytes(utf8.encode('polity/op/v1\0'), payload), key.secretKey)
  return encodeCanonical([payload, signature])
}

const variants: Record<string, object> = { action: actionShapes, method: methodShapes, ballot: ballotShapes }

const isMap = (v: CborValue): v is { [k: string]: CborValue } => v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Uint8Array)

/** Paths (lists of keys) to every map inside a value, the value itself first. */
function mapPaths(v: CborValue, at: string[] = []): string[][] {
  if (!isMap(v)) return []
  return [at, ...Object.keys(v).flatMap((k) => mapPaths(v[k] as CborValue, [...at, k]))]
}

const clone = (v: CborValue): CborValue => {
  if (v instanceof Uint8Array) return v.slice()
  if (Array.isArray(v)) return v.map(clone)
  if (isMap(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, clone(x)]))
  return v
}

function at(v: CborValue, path: string[]): { [k: string]: CborValue } {
  let x = v
  for (const k of path) x = (x as { [k: string]: CborValue })[k] as CborValue
  return x as { [k: string]: CborValue }
}

/** Set an own property, even `__proto__` (a plain assignment would change the prototype instead). */
const setOwn = (o: object, k: string, value: CborValue): void => {
  Object.defineProperty(o, k, { value, enumerable: true, configurable: true, writable: true })
}

function names(rng: Rng): string[] {
  const builtins = [...Object.getOwnPropertyNames(Object.prototype), '__proto__', 'prototype']
  const fields = new Set<string>()
  const collect = (v: CborValue): void => {
    if (Array.isArray(v)) v.forEach(collect)
    else if (isMap(v)) for (const k of Object.keys(v)) {
      fields.add(k)
      collect(v[k] as CborValue)
    }
  }
  for (const s of samples()) collect(s.body)
  const alphabet = 'abcdefghijklmnopqrstuvwxyz_$ABCXYZ0123456789-.:/ éß漢字🙂\u0000'
  const random = Array.from({ length: 24 }, () => Array.from({ length: 1 + rng.int(14) }, () => alphabet[rng.int(alphabet.length)]).join(''))
  random.push('x'.repeat(300))
  return [...new Set([...builtins, ...fields, ...random])]
}

describe('own-property lookups of untrusted keys (ENV-5a, ENC-4)', () => {
  it('ENV-5a: every valid sample body decodes (the control), and every kind and variant alternative is covered', () => {
    const all = samples()
    for (const s of all) expect(decodeOp(envelope(s.kind, s.body)).kind).toBe(s.kind)
    expect(new Set(all.map((s) => s.kind))).toEqual(new Set(OP_KINDS))
  })

  seeded('ENV-5a: an extra field or a variant type named after a built-in, another field or a random string is rejected by decodeOp', { fixed: [20261213] }, (run) => run.each((rng) => {
    const candidates = names(rng)
    console.log(`ENV-5a generative: seed ${rng.seed}, ${candidates.length} names (${Object.getOwnPropertyNames(Object.prototype).length} on Object.prototype)`)
    let extra = 0
    let types = 0
    for (const s of samples()) {
      for (const path of mapPaths(s.body)) {
        const own = new Set(Object.keys(at(s.body, path)))
        const variant = own.has('type')
        // Switching to another real alternative of the same variant is not the attack; every other name is.
        const alternatives = new Set(Object.keys(variants[path[path.length - 1] as string] ?? {}))
        if (variant) expect(alternatives.size, `variant at ${path.join('.')}`).toBeGreaterThan(0)
        for (const name of candidates) {
          if (!own.has(name)) {
            const body = clone(s.body)
            setOwn(at(body, path), name, 1)
            const bytes = envelope(s.kind, body)
            expect(() => decodeOp(bytes), `${s.kind} ${['body', ...path].join('.')} + ${JSON.stringify(name)}`).toThrow(DecodeError)
            extra++
          }
          if (variant && !alternatives.has(name)) {
            const body = clone(s.body)
            at(body, path)['type'] = name
            const bytes = envelope(s.kind, body)
            expect(() => decodeOp(bytes), `${s.kind} ${['body', ...path].join('.')}.type = ${JSON.stringify(name)}`).toThrow(/type" must be one of/)
            types++
          }
        }
      }
    }
    console.log(`ENV-5a generative: ${extra} extra-field cases and ${types} variant-type cases, all rejected`)
    expect(extra).toBeGreaterThan(1000)
    expect(types).toBeGreaterThan(100)
  }))

  it('ENV-5a: the error names the field (cut to 40 characters), never more of what the peer sent', () => {
    const body = { name: 'Ana' } as { [k: string]: CborValue }
    setOwn(body, 'constructor', 1)
    expect(() => decodeOp(envelope('profile.set', body))).toThrow('Field "body" has a field "constructor" that is not allowed.')
    const long = { name: 'Ana', ['y'.repeat(5000)]: 1 }
    let message = ''
    try {
      decodeOp(envelope('profile.set', long))
    } catch (e) {
      message = (e as Error).message
    }
    expect(message).toMatch(/not allowed/)
    expect(message.length).toBeLessThan(120)
  })

  it('ENV-5a: an op kind named after a built-in is unknown, through decodeOp and checkBody', () => {
    for (const kind of [...Object.getOwnPropertyNames(Object.prototype), '__proto__', 'prototype']) {
      expect(isOpKind(kind), kind).toBe(false)
      expect(() => checkBody(kind as OpKind, {}), kind).toThrow(DecodeError)
      expect(() => decodeOp(envelope(kind as OpKind, {})), kind).toThrow(/ENV-5: unknown op kind/)
    }
  })

  it('ENC-4: decoded maps have no prototype, so inherited names read as absent', () => {
    const v = decodeCanonical(encodeCanonical({ a: { b: [{ c: 1 }] } }), 1024) as { [k: string]: CborValue }
    expect(Object.getPrototypeOf(v)).toBe(null)
    const inner = (v['a'] as { [k: string]: CborValue })['b'] as { [k: string]: CborValue }[]
    expect(Object.getPrototypeOf(inner[0])).toBe(null)
    expect((v as Record<string, unknown>)['constructor']).toBeUndefined()
    expect((v as Record<string, unknown>)['toString']).toBeUndefined()
  })

  it('ENC-4: a map where a number belongs still gets a DecodeError, never a TypeError', () => {
    const payload = encodeCanonical({ v: { x: 1 }, community: b32(6), author: key.publicKey, seq: 2, deps: [b32(5)], time: 1, kind: 'profile.set', body: { name: 'a' } })
    const bytes = encodeCanonical([payload, sign(concatBytes(utf8.encode('polity/op/v1\0'), payload), key.secretKey)])
    expect(() => decodeOp(bytes)).toThrow(DecodeError)
    expect(() => decodeOp(bytes)).toThrow(/unsupported protocol version a map/)
  })
})

describe('the two reported cases, through a real replica (ENV-5a)', () => {
  it('ADV-proto-extra-field: profile.set {name, constructor: 1} is rejected and changes nothing', () => {
    const c = makeCommunity(2)
    const m = c.members[0] as Actor
    const before = m.replica.state()
    const body = { name: 'Mallory' } as { [k: string]: CborValue }
    setOwn(body, 'constructor', 1)
    expect(() => createOp({ community: m.community, seq: m.seq + 1, deps: m.replica.heads(), time: 1, kind: 'profile.set', body: body as never }, m.device, nodeCrypto)).toThrow(/"constructor" that is not allowed/)
    const r = m.replica.receive(handMade(m, 'profile.set', body))
    expect(r.status).toBe('rejected')
    expect(m.replica.state()).toEqual(before)
  })

  it('ADV-proto-action-type: a proposal whose action type is toString or constructor is rejected, so it can be neither voted nor closed', () => {
    const c = makeCommunity(3)
    const f = c.founder
    for (const type of ['toString', 'constructor', '__proto__', 'hasOwnProperty', 'valueOf']) {
      const before = f.replica.state()
      const body = { title: 'x', text: '', action: { type }, method: methods.yesno(), deadline: 0 }
      const r = f.replica.receive(handMade(f, 'proposal.create', body))
      expect(r.status, type).toBe('rejected')
      if (r.status === 'rejected') expect(r.error.message).toMatch(/body\.action\.type" must be one of/)
      expect(f.replica.state()).toEqual(before)
    }
    // The control: a real proposal is accepted by the same path.
    expect(propose(f, { type: 'resolution' })).toBeDefined()
  })
})

/** An op signed like a real member's, with a body the schema would refuse (built without createOp's own check). */
function handMade(a: Actor, kind: OpKind, body: CborValue): Uint8Array {
  const deps = [...new Set([...a.replica.heads(), ...(a.last ? [a.last] : [])])].sort()
  const payload = encodeCanonical({
    v: 1, community: fromHex(a.community, 32), author: a.device.publicKey, seq: a.seq + 1,
    deps: deps.map((d) => fromHex(d, 32)), time: a.time + 1000, kind, body,
  })
  return encodeCanonical([payload, sign(concatBytes(utf8.encode('polity/op/v1\0'), payload), a.device.secretKey)])
}

