/**
 * Linking a second device without typing the phrase (DEVLINK-1..5). The
 * device that has the identity shows a one-time link; the new device pastes
 * it. The page sees only the link: the identity goes node to node.
 */
import { useEffect, useState } from 'react'
import { useTranslation } from 'react-i18next'
import type { DeviceLinkOffer } from '@polity/api'
import { messageOf, useApi } from '../api-context'
import { ErrorText, Field } from './widgets'
import { LinkQr } from './link-qr'
import { QrScan } from './qr-scan'

/** On a device with the identity: offer it to a new device (Settings). */
export function DeviceLinkPanel(): React.JSX.Element {
  const api = useApi()
  const { t, i18n } = useTranslation()
  const [offer, setOffer] = useState<DeviceLinkOffer | null>(null)
  const [error, setError] = useState<string | null>(null)
  useEffect(() => {
    if (!offer) return
    const timer = setTimeout(() => setOffer(null), Math.max(0, offer.expires - Date.now()))
    return () => clearTimeout(timer)
  }, [offer])
  const start = async (): Promise<void> => {
    setError(null)
    try {
      setOffer(await api.offerDeviceLink())
    } catch (e) {
      setError(messageOf(e))
    }
  }
  const stop = async (): Promise<void> => {
    await api.cancelDeviceLink().catch(() => undefined)
    setOffer(null)
  }
  return (
    <div data-testid="device-link-panel">
      <h2>{t('settings.deviceLinkTitle')}</h2>
      <p className="muted">{t('settings.deviceLinkHelp')}</p>
      {offer ? (
        <div>
          <div className="field">
            <textarea readOnly aria-label={t('settings.deviceLinkTitle')} data-testid="device-link" value={offer.link} rows={4} onFocus={(e) => e.currentTarget.select()} />
          </div>
          <LinkQr link={offer.link} alt={t('settings.deviceLinkQrAlt')} testid="device-link-qr" />
          <p className="muted">{t('settings.deviceLinkExpires', { time: new Date(offer.expires).toLocaleTimeString(i18n.language) })}</p>
          <button type="button" data-testid="device-link-cancel" onClick={() => void stop()}>{t('settings.deviceLinkCancel')}</button>
        </div>
      ) : <button type="button" data-testid="device-link-offer" onClick={() => void start()}>{t('settings.deviceLinkOffer')}</button>}
      <ErrorText error={error} />
    </div>
  )
}

/** The device-link link inside whatever was pasted or scanned. */
export function deviceLinkIn(text: string): string {
  const m = /polity:\/\/device\?[^\s"'<>]+/.exec(text)
  return m ? m[0] : text.trim()
}

/** On a new device (onboarding): take the identity another device offers. */
export function LinkDeviceForm({ onDone }: { onDone: () => void }): React.JSX.Element {
  const api = useApi()
  const { t } = useTranslation()
  const [link, setLink] = useState('')
  const [pass, setPass] = useState('')
  const [pass2, setPass2] = useState('')
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const submit = async (): Promise<void> => {
    setError(null)
    if (pass !== pass2) return setError(t('onboarding.mismatch'))
    setBusy(true)
    try {
      await api.acceptDeviceLink({ link: deviceLinkIn(link), passphrase: pass })
      onDone()
    } catch (e) {
      setError(messageOf(e))
    } finally {
      setBusy(false)
    }
  }
  return (
    <form onSubmit={(e) => { e.preventDefault(); void submit() }}>
      <p className="muted">{t('onboarding.linkHelp')}</p>
      <Field label={t('onboarding.linkInput')} testid="device-link-input" value={link} onChange={setLink} multiline />
      <QrScan onText={setLink} onError={setError} />
      <Field label={t('onboarding.passphrase')} type="password" testid="link-passphrase" value={pass} onChange={setPass} />
      <Field label={t('onboarding.passphraseAgain')} type="password" testid="link-passphrase-again" value={pass2} onChange={setPass2} />
      <ErrorText error={error} />
      <button type="submit" data-testid="link-device" disabled={busy}>{busy ? t('onboarding.linking') : t('onboarding.linkSubmit')}</button>
    </form>
  )
}
