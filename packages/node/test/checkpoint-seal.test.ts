/**
 * CHECKPOINT-3: checkpoints are sealed under the data key and bound to their
 * community; a sealed checkpoint reveals none of the state it holds.
 */
import { describe, expect, it } from 'vitest'
import { randomBytes } from 'node:crypto'
import { openCheckpoint, sealCheckpoint } from '../src/checkpoint'

describe('sealed checkpoints (CHECKPOINT-3)', () => {
  const key = new Uint8Array(randomBytes(32))
  const community = new Uint8Array(randomBytes(32))
  const plain = new TextEncoder().encode(JSON.stringify({ name: 'Harbor Commons', members: [{ name: 'Ana Lima' }] }))

  it('CHECKPOINT-3: a checkpoint opens with its data key and community, and its bytes hold no plaintext', () => {
    const sealed = sealCheckpoint(key, community, plain)
    expect(openCheckpoint(key, community, sealed)).toEqual(plain)
    const text = Buffer.from(sealed).toString('latin1')
    for (const s of ['Harbor Commons', 'Ana Lima', 'members', 'name']) expect(text).not.toContain(s)
    // Two seals of the same state differ (random nonce).
    expect(Buffer.from(sealCheckpoint(key, community, plain)).equals(Buffer.from(sealed))).toBe(false)
  })

  it('CHECKPOINT-3: another data key, another community, a flipped bit or a truncation does not open', () => {
    const sealed = sealCheckpoint(key, community, plain)
    expect(openCheckpoint(new Uint8Array(randomBytes(32)), community, sealed)).toBeUndefined()
    expect(openCheckpoint(key, new Uint8Array(randomBytes(32)), sealed)).toBeUndefined()
    for (const i of [0, 12, sealed.length - 1]) {
      const bad = sealed.slice()
      bad[i] = (bad[i] as number) ^ 1
      expect(openCheckpoint(key, community, bad)).toBeUndefined()
    }
    expect(openCheckpoint(key, community, sealed.subarray(0, 20))).toBeUndefined()
    expect(openCheckpoint(key, community, new Uint8Array(0))).toBeUndefined()
  })
})
