/**
 * The passphrase comes from `--passphrase-file`, then POLITY_PASSPHRASE (for
 * scripts), then a hidden prompt when a person is at the terminal.
 */
import { readFile } from 'node:fs/promises'
import { createInterface } from 'node:readline'
import { Writable } from 'node:stream'

export class PassphraseUnavailableError extends Error {
  readonly code = 'ERR_NO_PASSPHRASE'
  constructor() {
    super('A passphrase is needed: pass --passphrase-file FILE, set POLITY_PASSPHRASE, or run in a terminal to be asked.')
    this.name = 'PassphraseUnavailableError'
  }
}

export async function readPassphrase(opts: { passphraseFile?: string }, prompt = 'Passphrase: ', confirm = false, how: { noEnv?: boolean } = {}): Promise<string> {
  if (opts.passphraseFile) return (await readFile(opts.passphraseFile, 'utf8')).replace(/\r?\n$/, '')
  const env = how.noEnv ? undefined : process.env['POLITY_PASSPHRASE']
  if (env !== undefined && env !== '') return env
  if (!process.stdin.isTTY) throw new PassphraseUnavailableError()
  const first = await hiddenPrompt(prompt)
  if (confirm) {
    const second = await hiddenPrompt('Repeat the passphrase: ')
    if (first !== second) throw new Error('The two passphrases differ; nothing was changed.')
  }
  return first
}

function hiddenPrompt(prompt: string): Promise<string> {
  let muted = false
  const out = new Writable({
    write(chunk: Buffer, _enc, cb) {
      if (!muted) process.stderr.write(chunk)
      cb()
    },
  })
  const rl = createInterface({ input: process.stdin, output: out, terminal: true })
  return new Promise((resolve) => {
    rl.question(prompt, (answer) => {
      rl.close()
      process.stderr.write('\n')
      resolve(answer)
    })
    muted = true
  })
}
