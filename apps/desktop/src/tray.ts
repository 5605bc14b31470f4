/**
 * DESK-3: the tray icon that keeps Polity with its member after the window
 * closes: Open brings the window back, Quit stops the node and exits. Some
 * Linux desktops show no tray; then starting Polity again shows the window.
 */
import { Menu, Tray, nativeImage } from 'electron'
import { join } from 'node:path'
import type { Translate } from './strings'

export function createTray(t: Translate, actions: { open(): void; quit(): void }): Tray | undefined {
  try {
    const icon = nativeImage.createFromPath(join(__dirname, process.platform === 'darwin' ? 'trayTemplate.png' : 'tray.png'))
    const tray = new Tray(icon)
    tray.setToolTip(t('desktop.tray.tooltip'))
    tray.setContextMenu(Menu.buildFromTemplate([
      { label: t('desktop.tray.open'), click: () => actions.open() },
      { type: 'separator' },
      { label: t('desktop.tray.quit'), click: () => actions.quit() },
    ]))
    tray.on('click', () => actions.open())
    return tray
  } catch (e) {
    console.warn(`No tray here (${(e as Error).message}); start Polity again to show its window.`)
    return undefined
  }
}
