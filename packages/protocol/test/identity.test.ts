import { describe, expect, it } from 'vitest'
import {
  didKeyOf, generateKeyPair, identityFromRecoveryPhrase, publicKeyFromDidKey, recoveryPhraseOf, InvalidRecoveryPhraseError,
  certifyDevice, verifyDeviceCert, toHex,
} from '../src/index'

describe('identities', () => {
  it('ID-1: a did:key round-trips to the same public key', () => {
    const k = generateKeyPair()
    const did = didKeyOf(k.publicKey)
    expect(did).toMatch(/^did:key:z6Mk/)
    expect(toHex(publicKeyFromDidKey(did))).toBe(toHex(k.publicKey))
  })

  it('ID-2: the recovery phrase restores the same key', () => {
    const k = generateKeyPair()
    const phrase = recoveryPhraseOf(k.secretKey)
    expect(phrase.split(' ')).toHaveLength(24)
    const back = identityFromRecoveryPhrase(`  ${phrase.toUpperCase()}  `)
    expect(toHex(back.publicKey)).toBe(toHex(k.publicKey))
  })

  it('ID-2: a wrong or altered phrase is a clear error', () => {
    const phrase = recoveryPhraseOf(generateKeyPair().secretKey).split(' ')
    phrase[3] = phrase[3] === 'abandon' ? 'ability' : 'abandon'
    expect(() => identityFromRecoveryPhrase(phrase.join(' '))).toThrow(InvalidRecoveryPhraseError)
    expect(() => identityFromRecoveryPhrase('hello world')).toThrow(InvalidRecoveryPhraseError)
  })

  it('ID-3: a device certificate binds a device to a member and nothing else', () => {
    const member = generateKeyPair()
    const device = generateKeyPair()
    const other = generateKeyPair()
    const cert = certifyDevice(member, device.publicKey)
    expect(verifyDeviceCert(member.publicKey, device.publicKey, cert)).toBe(true)
    expect(verifyDeviceCert(member.publicKey, other.publicKey, cert)).toBe(false)
    expect(verifyDeviceCert(other.publicKey, device.publicKey, cert)).toBe(false)
  })
})
