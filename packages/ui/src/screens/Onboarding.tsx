/** Create an identity (and confirm the recovery phrase), restore one, or unlock. */
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { messageOf, useApi } from '../api-context'
import { Field, ErrorText } from './widgets'
import { ProgressBar } from './progress'
import { RememberOnUnlock } from './Device'
import { LinkDeviceForm } from './device-link'

/** Three distinct word positions (1-based) to confirm. */
function positions(): number[] {
  const out = new Set<number>()
  while (out.size < 3) out.add(1 + Math.floor(Math.random() * 24))
  return [...out].sort((a, b) => a - b)
}

export function Onboarding({ onDone }: { onDone: () => void }): React.JSX.Element {
  const api = useApi()
  const { t } = useTranslation()
  const [mode, setMode] = useState<'create' | 'restore' | 'link'>('create')
  const [pass, setPass] = useState('')
  const [pass2, setPass2] = useState('')
  const [phrase, setPhrase] = useState<string | null>(null)
  const [restoreWords, setRestoreWords] = useState('')
  const [check] = useState(positions)
  const [answers, setAnswers] = useState<string[]>(['', '', ''])
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)

  if (phrase) {
    const words = phrase.split(' ')
    const confirm = (): void => {
      if (check.every((n, i) => words[n - 1] === answers[i]?.trim().toLowerCase())) onDone()
      else setError(t('onboarding.confirmWrong'))
    }
    return (
      <section className="card">
        <h1>{t('onboarding.phraseTitle')}</h1>
        <p>{t('onboarding.phraseHelp')}</p>
        <ol className="phrase" data-testid="recovery-phrase">
          {words.map((w, i) => <li key={i}>{w}</li>)}
        </ol>
        <h2>{t('onboarding.confirmTitle')}</h2>
        {check.map((n, i) => (
          <Field key={n} label={t('onboarding.confirmWord', { n })} testid={`confirm-word-${i}`} value={answers[i] ?? ''} onChange={(v) => setAnswers(answers.map((a, j) => (j === i ? v : a)))} />
        ))}
        <ErrorText error={error} />
        <button type="button" data-testid="confirm-phrase" onClick={confirm}>{t('onboarding.confirm')}</button>
      </section>
    )
  }

  const submit = async (): Promise<void> => {
    setError(null)
    if (pass !== pass2) return setError(t('onboarding.mismatch'))
    setBusy(true)
    try {
      if (mode === 'create') setPhrase((await api.createIdentity({ passphrase: pass })).recoveryPhrase)
      else {
        await api.restoreIdentity({ phrase: restoreWords, passphrase: pass })
        onDone()
      }
    } catch (e) {
      setError(messageOf(e))
    } finally {
      setBusy(false)
    }
  }
  return (
    <section className="card">
      <h1>{t('onboarding.title')}</h1>
      <div className="tabs" role="tablist">
        <button type="button" role="tab" aria-selected={mode === 'create'} data-testid="mode-create" onClick={() => setMode('create')}>{t('onboarding.create')}</button>
        <button type="button" role="tab" aria-selected={mode === 'restore'} data-testid="mode-restore" onClick={() => setMode('restore')}>{t('onboarding.restore')}</button>
        <button type="button" role="tab" aria-selected={mode === 'link'} data-testid="mode-link" onClick={() => setMode('link')}>{t('onboarding.link')}</button>
      </div>
      {mode === 'link' ? <LinkDeviceForm onDone={onDone} /> : <>
      {mode === 'restore' && <Field label={t('onboarding.phraseInput')} testid="restore-phrase" value={restoreWords} onChange={setRestoreWords} multiline />}
      <Field label={t('onboarding.passphrase')} type="password" testid="passphrase" value={pass} onChange={setPass} />
      <Field label={t('onboarding.passphraseAgain')} type="password" testid="passphrase-again" value={pass2} onChange={setPass2} />
      <ErrorText error={error} />
      <ProgressBar tasks={['identity']} />
      <button type="button" data-testid="create-identity" disabled={busy} onClick={() => void submit()}>{mode === 'create' ? t('onboarding.create') : t('onboarding.restore')}</button>
      </>}
    </section>
  )
}

export function Unlock({ onDone }: { onDone: () => void }): React.JSX.Element {
  const api = useApi()
  const { t } = useTranslation()
  const [pass, setPass] = useState('')
  const [error, setError] = useState<string | null>(null)
  const submit = async (): Promise<void> => {
    try {
      await api.unlock({ passphrase: pass })
      onDone()
    } catch (e) {
      setError(messageOf(e))
    }
  }
  return (
    <section className="card">
      <h1>{t('unlock.title')}</h1>
      <Field label={t('onboarding.passphrase')} type="password" testid="unlock-passphrase" value={pass} onChange={setPass} />
      <RememberOnUnlock />
      <ErrorText error={error} />
      <ProgressBar tasks={['unlock', 'replay']} />
      <button type="button" data-testid="unlock" onClick={() => void submit()}>{t('unlock.button')}</button>
    </section>
  )
}
