/** The theme picker in the top bar: follow the OS, or always light, or always dark (this device). */
import { useTranslation } from 'react-i18next'
import { setThemePref, useTheme, type ThemePref } from './theme'

export function ThemeSelect(): React.JSX.Element {
  const { t } = useTranslation()
  const { pref } = useTheme()
  return (
    <span className="theme-select">
      <label htmlFor="theme-select">{t('theme.label')}</label>
      <select id="theme-select" className="small" data-testid="theme-select" value={pref} onChange={(e) => setThemePref(e.target.value as ThemePref)}>
        <option value="system">{t('theme.system')}</option>
        <option value="light">{t('theme.light')}</option>
        <option value="dark">{t('theme.dark')}</option>
      </select>
    </span>
  )
}
