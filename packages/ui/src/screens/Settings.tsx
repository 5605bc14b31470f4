import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import type { CommunityId } from '@polity/api'
import { messageOf, useApi } from '../api-context'
import { LANGUAGES } from '../i18n/index'
import { ErrorText } from './widgets'
import { ProgressBar } from './progress'
import { DeviceSettingsPanel } from './Device'
import { DeviceLinkPanel } from './device-link'
import { EpochPanel } from './Epoch'

function download(bytes: Uint8Array, name: string): void {
  const url = URL.createObjectURL(new Blob([bytes as BlobPart], { type: 'application/octet-stream' }))
  const a = document.createElement('a')
  a.href = url
  a.download = name
  a.click()
  URL.revokeObjectURL(url)
}

/** KEYS-5: re-seal the keystore under a new passphrase (the node checks the current one). */
function ChangePassphrase(): React.JSX.Element {
  const api = useApi()
  const { t } = useTranslation()
  const [current, setCurrent] = useState('')
  const [next, setNext] = useState('')
  const [again, setAgain] = useState('')
  const [busy, setBusy] = useState(false)
  const [note, setNote] = useState<string | null>(null)
  const [error, setError] = useState<string | null>(null)
  const submit = async (e: React.FormEvent): Promise<void> => {
    e.preventDefault()
    setNote(null)
    setError(null)
    if (next !== again) {
      setError(t('settings.passphraseMismatch'))
      return
    }
    setBusy(true)
    try {
      await api.changePassphrase({ current, next })
      setCurrent('')
      setNext('')
      setAgain('')
      setNote(t('settings.passphraseChanged'))
    } catch (err) {
      setError(messageOf(err))
    } finally {
      setBusy(false)
    }
  }
  return (
    <form className="form" onSubmit={(e) => void submit(e)} aria-labelledby="passphrase-title">
      <h3 id="passphrase-title">{t('settings.passphraseTitle')}</h3>
      <div className="field">
        <label htmlFor="pass-current">{t('settings.passphraseCurrent')}</label>
        <input id="pass-current" data-testid="pass-current" type="password" autoComplete="current-password" value={current} onChange={(e) => setCurrent(e.target.value)} required />
      </div>
      <div className="field">
        <label htmlFor="pass-next">{t('settings.passphraseNext')}</label>
        <input id="pass-next" data-testid="pass-next" type="password" autoComplete="new-password" minLength={8} value={next} onChange={(e) => setNext(e.target.value)} required />
      </div>
      <div className="field">
        <label htmlFor="pass-again">{t('settings.passphraseAgain')}</label>
        <input id="pass-again" data-testid="pass-again" type="password" autoComplete="new-password" value={again} onChange={(e) => setAgain(e.target.value)} required />
      </div>
      <button type="submit" data-testid="pass-submit" disabled={busy}>{t('settings.passphraseSubmit')}</button>
      {note && <p role="status">{note}</p>}
      <ErrorText error={error} />
    </form>
  )
}

export function Settings({ id, onLock }: { id: CommunityId; onLock: () => void }): React.JSX.Element {
  const api = useApi()
  const { t, i18n } = useTranslation()
  const [note, setNote] = useState<string | null>(null)
  const [error, setError] = useState<string | null>(null)
  const importFile = async (f: File | undefined): Promise<void> => {
    if (!f) return
    try {
      const r = await api.importBundle({ bytes: new Uint8Array(await f.arrayBuffer()) })
      setNote(t('settings.imported', { applied: r.applied, rejected: r.rejected }))
    } catch (e) {
      setError(messageOf(e))
    }
  }
  return (
    <div className="form">
      <div className="field">
        <label htmlFor="language">{t('settings.language')}</label>
        <select id="language" data-testid="language-select" value={i18n.language} onChange={(e) => void i18n.changeLanguage(e.target.value)}>
          {LANGUAGES.map((l) => <option key={l.code} value={l.code}>{l.name}</option>)}
        </select>
      </div>
      <button type="button" data-testid="export-bundle" onClick={() => void api.exportBundle({ community: id }).then((b) => download(b, 'community.polity-bundle'), (e: unknown) => setError(messageOf(e)))}>{t('settings.export')}</button>
      <div className="field">
        <label htmlFor="import-bundle">{t('settings.import')}</label>
        <input id="import-bundle" data-testid="import-bundle" type="file" onChange={(e) => void importFile(e.target.files?.[0])} />
      </div>
      <ProgressBar tasks={['import']} />
      <button type="button" data-testid="export-dossier" onClick={() => void api.exportDossier({ community: id }).then((b) => download(b, 'community.polity-dossier'), (e: unknown) => setError(messageOf(e)))}>{t('settings.dossier')}</button>
      <button type="button" data-testid="export-dossier-redacted" onClick={() => void api.exportDossier({ community: id, redacted: true }).then((b) => download(b, 'community.polity-redacted-dossier'), (e: unknown) => setError(messageOf(e)))}>{t('settings.dossierRedacted')}</button>
      <button type="button" data-testid="lock" onClick={() => void api.lock().then(onLock)}>{t('settings.lock')}</button>
      {note && <p role="status">{note}</p>}
      <ErrorText error={error} />
      <EpochPanel id={id} />
      <ChangePassphrase />
      <DeviceLinkPanel />
      <DeviceSettingsPanel />
    </div>
  )
}
