/**
 * The desktop app's settings for this device (DESK-3..6): keep running in the
 * tray, start at login, notifications, and remembering the passphrase (off by
 * default, with the risk in words). Only the Electron preload provides
 * `window.polityDevice` (client/desktop.ts); in browser mode none of this shows.
 */
import { useCallback, useEffect, useId, useState } from 'react'
import { useTranslation } from 'react-i18next'
import type { DeviceInfo, DeviceSettings, PolityDevice } from '@polity/api'
import { messageOf, useApi } from '../api-context'
import { desktopDevice } from '../client/desktop'
import { ErrorText } from './widgets'

const device: PolityDevice | undefined = desktopDevice()

function useDeviceInfo(): [DeviceInfo | null, (patch: Partial<DeviceSettings>) => Promise<void>, string | null] {
  const [info, setInfo] = useState<DeviceInfo | null>(null)
  const [error, setError] = useState<string | null>(null)
  useEffect(() => {
    device?.getSettings().then(setInfo, (e: unknown) => setError(messageOf(e)))
  }, [])
  const change = useCallback(async (patch: Partial<DeviceSettings>) => {
    if (!device) return
    setError(null)
    try {
      setInfo(await device.setSettings(patch))
    } catch (e) {
      setError(messageOf(e))
    }
  }, [])
  return [info, change, error]
}

function Check(p: { label: string; testid: string; checked: boolean; disabled?: boolean; onChange: (v: boolean) => void }): React.JSX.Element {
  const id = useId()
  return (
    <div className="check">
      <input id={id} type="checkbox" data-testid={p.testid} checked={p.checked} disabled={p.disabled} onChange={(e) => p.onChange(e.target.checked)} />
      <label htmlFor={id}>{p.label}</label>
    </div>
  )
}

/** On the unlock screen: remember the passphrase being typed (the desktop keeps it after a successful unlock). */
export function RememberOnUnlock(): React.JSX.Element | null {
  const { t } = useTranslation()
  const [info, change] = useDeviceInfo()
  if (!device || !info?.canRemember) return null
  return (
    <div>
      <Check label={t('device.remember')} testid="remember-passphrase" checked={info.settings.rememberPassphrase} onChange={(v) => void change({ rememberPassphrase: v })} />
      <p className="muted">{t('device.rememberRisk')}</p>
    </div>
  )
}

export function DeviceSettingsPanel(): React.JSX.Element | null {
  const api = useApi()
  const { t } = useTranslation()
  const [info, change, error] = useDeviceInfo()
  const [confirming, setConfirming] = useState(false)
  const [pass, setPass] = useState('')
  const [confirmError, setConfirmError] = useState<string | null>(null)
  const passId = useId()
  if (!device || !info) return null
  const s = info.settings
  // Turning remembering on while unlocked: the passphrase is checked by unlock (KEYS-3), and the desktop then keeps it.
  const remember = async (): Promise<void> => {
    setConfirmError(null)
    await change({ rememberPassphrase: true })
    try {
      await api.unlock({ passphrase: pass })
      setPass('')
      setConfirming(false)
      await change({})
    } catch (e) {
      setConfirmError(messageOf(e))
      await change({ rememberPassphrase: false })
    }
  }
  return (
    <section className="form" aria-labelledby="device-title" data-testid="device-settings">
      <h3 id="device-title">{t('device.title')}</h3>
      <Check label={t('device.keepRunning')} testid="keep-running" checked={s.keepRunning} onChange={(v) => void change({ keepRunning: v })} />
      <Check label={t('device.openAtLogin')} testid="open-at-login" checked={s.openAtLogin} onChange={(v) => void change({ openAtLogin: v })} />
      <Check label={t('device.notifications')} testid="notifications" checked={s.notifications} onChange={(v) => void change({ notifications: v })} />
      <Check label={t('device.remember')} testid="remember-passphrase" checked={s.rememberPassphrase || confirming} disabled={!info.canRemember}
        onChange={(v) => (v ? setConfirming(true) : (setConfirming(false), void change({ rememberPassphrase: false })))} />
      <p className="muted">{info.canRemember ? t('device.rememberRisk') : t('device.rememberUnavailable')}</p>
      {confirming && (
        <div>
          <div className="field">
            <label htmlFor={passId}>{t('device.rememberConfirm')}</label>
            <input id={passId} type="password" data-testid="remember-confirm" autoComplete="current-password" value={pass} onChange={(e) => setPass(e.target.value)} />
          </div>
          <button type="button" data-testid="remember-save" onClick={() => void remember()}>{t('device.rememberSave')}</button>
          <ErrorText error={confirmError} />
        </div>
      )}
      {info.remembered && s.rememberPassphrase && <p role="status">{t('device.remembered')}</p>}
      <ErrorText error={error} />
    </section>
  )
}
