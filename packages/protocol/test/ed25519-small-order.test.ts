/** SIG-4: the table of small-order key encodings is exactly the torsion subgroup (plus the two "negative zero" encodings). */
import { describe, expect, it } from 'vitest'
import * as ed from '@noble/ed25519'
import { fromHex, toHex } from '../src/encoding/bytes'
import { generateKeyPair, isAcceptableKeyForVerifier, isAcceptablePublicKey, SMALL_ORDER_KEY_ENCODINGS } from '../src/index'

describe('SIG-4 small-order keys', () => {
  it('SIG-4: the eight multiples of an order-8 point are exactly the canonical small-order encodings in the table', () => {
    const t8 = ed.Point.fromBytes(fromHex('c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a', 32), false)
    expect(t8.isSmallOrder()).toBe(true)
    const multiples = new Set<string>()
    let p = ed.Point.ZERO
    for (let k = 0; k < 8; k++) {
      multiples.add(toHex(p.toBytes()))
      p = p.add(t8)
    }
    expect(multiples.size).toBe(8)
    expect(p.equals(ed.Point.ZERO)).toBe(true)
    const canonical = SMALL_ORDER_KEY_ENCODINGS.filter((h) => {
      try {
        return toHex(ed.Point.fromBytes(fromHex(h, 32), false).toBytes()) === h
      } catch {
        return false
      }
    })
    expect(new Set(canonical)).toEqual(multiples)
    for (const h of SMALL_ORDER_KEY_ENCODINGS) {
      expect(isAcceptableKeyForVerifier(fromHex(h, 32)), h).toBe(false)
      expect(isAcceptablePublicKey(fromHex(h, 32)), h).toBe(false)
    }
  })

  it('SIG-5: on real keys and non-canonical y the fast check agrees with the decompressing one', () => {
    for (let i = 0; i < 200; i++) {
      const k = generateKeyPair().publicKey
      expect(isAcceptableKeyForVerifier(k)).toBe(true)
      expect(isAcceptablePublicKey(k)).toBe(true)
    }
    const big = fromHex('edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f', 32) // y = p: not canonical
    expect(isAcceptableKeyForVerifier(big)).toBe(false)
    expect(isAcceptablePublicKey(big)).toBe(false)
  })
})
