/**
 * DESK-5: remember the passphrase on this device — opt-in, off by default. It
 * is sealed by the operating system's keychain (Electron safeStorage: Keychain
 * on macOS, DPAPI on Windows, the secret service on Linux) and written to
 * `<data dir>/remembered-passphrase` (0600). Never on Linux's plain-text
 * fallback. A remembered passphrase that no longer decrypts or unlocks is
 * deleted. The Lock button, `polity lock` and turning the setting off forget
 * it; a running app whose file disappears locks itself.
 */
import { readFile, rename, stat, writeFile } from 'node:fs/promises'
import { watch, type FSWatcher } from 'node:fs'
import { dirname } from 'node:path'
import { forgetRememberedPassphrase, REMEMBERED_FILE, rememberedPath } from '@polity/peer'

/** The part of Electron's safeStorage this uses. */
export interface Keychain {
  isAsyncEncryptionAvailable(): Promise<boolean>
  encryptStringAsync(plain: string): Promise<Buffer>
  decryptStringAsync(sealed: Buffer): Promise<{ result: string; shouldReEncrypt: boolean }>
  getSelectedStorageBackend?(): string
}

export class RememberedPassphrase {
  private readonly file: string
  /** True while this app holds a remembered passphrase it saved or used; its deletion then locks the app. */
  private holding = false

  constructor(private readonly dataDir: string, private readonly keychain: Keychain, private readonly platform: NodeJS.Platform) {
    this.file = rememberedPath(dataDir)
  }

  /** The OS keychain can seal a passphrase (on Linux: a real secret service, not the plain-text fallback). */
  async available(): Promise<boolean> {
    if (this.platform === 'linux') {
      const backend = this.keychain.getSelectedStorageBackend?.() ?? 'unknown'
      if (backend === 'basic_text' || backend === 'unknown') return false
    }
    return this.keychain.isAsyncEncryptionAvailable().catch(() => false)
  }

  async exists(): Promise<boolean> {
    return stat(this.file).then(() => true, () => false)
  }

  async save(passphrase: string): Promise<void> {
    if (!(await this.available())) throw new Error('This device has no keychain Polity can use, so it cannot remember the passphrase here.')
    const sealed = await this.keychain.encryptStringAsync(passphrase)
    const tmp = `${this.file}.tmp-${process.pid}`
    await writeFile(tmp, sealed, { mode: 0o600 })
    await rename(tmp, this.file)
    this.holding = true
  }

  /** The remembered passphrase, or undefined (none, or it no longer decrypts: then it is deleted). */
  async load(): Promise<string | undefined> {
    let sealed: Buffer
    try {
      sealed = await readFile(this.file)
    } catch {
      return undefined
    }
    try {
      const { result, shouldReEncrypt } = await this.keychain.decryptStringAsync(sealed)
      this.holding = true
      if (shouldReEncrypt) await this.save(result).catch(() => undefined)
      return result
    } catch {
      await this.forget()
      return undefined
    }
  }

  async forget(): Promise<boolean> {
    this.holding = false
    return forgetRememberedPassphrase(this.dataDir)
  }

  /** Call `onGone` when the file this app holds is deleted by someone else (`polity lock`). */
  watch(onGone: () => void): () => void {
    let watcher: FSWatcher | undefined
    try {
      watcher = watch(dirname(this.file), (_type, name) => {
        if (name !== null && String(name) !== REMEMBERED_FILE) return
        if (!this.holding) return
        void this.exists().then((there) => {
          if (there || !this.holding) return
          this.holding = false
          onGone()
        })
      })
      watcher.on('error', () => undefined)
    } catch {
      // No file watching here: `polity lock` still forgets; the app locks at its next start.
    }
    return () => watcher?.close()
  }
}
