import { describe, expect, it } from 'vitest'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { changePassphrase, createKeystore, openKeystore, KeystoreCorruptError, WeakKeystoreError, WrongPassphraseError } from '../src/index'

const fast = { logN: 10 }
/** Tests seal at 2^10 and say so when opening (KEYS-6). */
const open = (p: string, pass: string) => openKeystore(p, pass, { minLogN: 10 })
const secret = new TextEncoder().encode('identity-secret-0123456789abcdef')
const path = (): string => join(mkdtempSync(join(tmpdir(), 'polity-ks-')), 'keystore.polity')

describe('keystore (KEYS-2)', () => {
  it('KEYS-2: round-trips secrets under the passphrase and never writes them in the clear', async () => {
    const p = path()
    await createKeystore(p, 'correct horse battery', secret, fast)
    expect(Buffer.from(readFileSync(p)).includes(Buffer.from(secret))).toBe(false)
    expect(Buffer.from(await open(p, 'correct horse battery')).toString()).toBe(Buffer.from(secret).toString())
  })

  it('KEYS-3: a wrong passphrase is a clear error and changes nothing', async () => {
    const p = path()
    await createKeystore(p, 'correct horse battery', secret, fast)
    const before = readFileSync(p)
    await expect(open(p, 'wrong horse battery')).rejects.toThrow(WrongPassphraseError)
    expect(readFileSync(p).equals(before)).toBe(true)
  })

  it('KEYS-4: tampering with any region of the file is refused', async () => {
    const p = path()
    await createKeystore(p, 'pass phrase 1', secret, fast)
    const good = readFileSync(p)
    const regions = { magic: 0, version: 8, kdf: 9, salt: 14, nonce: 30, ciphertext: 60, tag: good.length - 1 }
    for (const [region, at] of Object.entries(regions)) {
      const bad = Buffer.from(good)
      bad[at] = (bad[at] as number) ^ 0x01
      writeFileSync(p, bad)
      await expect(open(p, 'pass phrase 1'), region).rejects.toThrow(region === 'magic' || region === 'version' ? KeystoreCorruptError : /passphrase|damaged/)
    }
    writeFileSync(p, good.subarray(0, 40))
    await expect(open(p, 'pass phrase 1')).rejects.toThrow(KeystoreCorruptError)
  })

  it('KEYS-5: the passphrase can be changed; the old one stops working', async () => {
    const p = path()
    await createKeystore(p, 'old passphrase', secret, fast)
    await changePassphrase(p, 'old passphrase', 'new passphrase', fast)
    await expect(open(p, 'old passphrase')).rejects.toThrow(WrongPassphraseError)
    expect(Buffer.from(await open(p, 'new passphrase')).toString()).toBe(Buffer.from(secret).toString())
  })

  it('KEYS-6: a keystore sealed below the minimum cost is refused before any key is derived; changing the passphrase re-seals it at full cost', async () => {
    const p = path()
    await createKeystore(p, 'weak passphrase', secret, fast)
    const before = readFileSync(p)
    await expect(openKeystore(p, 'weak passphrase')).rejects.toThrow(WeakKeystoreError)
    await expect(openKeystore(p, 'weak passphrase')).rejects.toThrow(/2\^10, below the minimum 2\^17/)
    expect(readFileSync(p).equals(before)).toBe(true)
    // The repair: the passphrase change opens it and re-seals at the default cost.
    await changePassphrase(p, 'weak passphrase', 'strong passphrase')
    expect(readFileSync(p)[9]).toBe(17)
    expect(Buffer.from(await openKeystore(p, 'strong passphrase')).toString()).toBe(Buffer.from(secret).toString())
  })
})
