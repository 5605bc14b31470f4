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
        <form onSubmit={(e) => {
          e.preventDefault()
          confirm()
        }}>
        {check.map((n, i) => (
            <Field key={n} label={t('onboarding.confirmWord', { n })} testid={`confirm-word-${i}`} value={answers[i] ?? ''} onChange={(v) => setAnswers(answers.map((a, j) => (j === i ? v : a)))} />
        ))}
        <ErrorText error={error} />
        <button type="submit" data-testid="confirm-phrase">{t('onboarding.confirm')}</button>
      </form>
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
      <form onSubmit={(e) => {
        e.preventDefault()
        void submit()
      }}>
        {/* A message about the two passphrases goes as soon as either changes. */}
        <Field label={t('onboarding.passphrase')} type="password" testid="passphrase" value={pass} onChange={(v) => {
          setPass(v)
          setError(null)
        }} />
        <Field label={t('onboarding.passphraseAgain')} type="password" testid="passphrase-again" value={pass2} onChange={(v) => {
          setPass2(v)
          setError(null)
        }} />
        <ErrorText error={error} />
        <ProgressBar tasks={['identity']} />
        <button type="submit" data-testid="create-identity" disabled={busy}>{mode === 'create' ? t('onboarding.create') : t('onboarding.restore')}</button>
      </form>
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
      <form onSubmit={(e) => {
        e.preventDefault()
        void submit()
      }}>
        <Field label={t('onboarding.passphrase')} type="password" testid="unlock-passphrase" value={pass} onChange={(v) => {
          setPass(v)
          setError(null)
        }} />
        <RememberOnUnlock />
        <ErrorText error={error} />
        <ProgressBar tasks={['unlock', 'replay']} />
        <button type="submit" data-testid="unlock">{t('unlock.button')}</button>
      </form>
    </section>
  )
}
