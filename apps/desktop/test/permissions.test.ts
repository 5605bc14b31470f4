/** DESK-1: every permission is denied but the camera, video only, for our UI file's main frame (QR scanning, JOIN-QR-1). */
import { describe, expect, it } from 'vitest'
import { permissionAllowed } from '../src/permissions'

const UI = 'file:///opt/Polity/resources/ui/index.html'
const camera = { permission: 'media', url: UI, mainFrame: true, mediaTypes: ['video'] }

describe('desktop permissions (DESK-1)', () => {
  it('DESK-1: the camera (video only) for our UI file\'s main frame; nothing else, from nowhere else', () => {
    expect(permissionAllowed(camera, UI)).toBe(true)
    expect(permissionAllowed({ ...camera, mediaTypes: ['video', 'audio'] }, UI)).toBe(false)
    expect(permissionAllowed({ ...camera, mediaTypes: ['audio'] }, UI)).toBe(false)
    expect(permissionAllowed({ ...camera, mediaTypes: [] }, UI)).toBe(false)
    expect(permissionAllowed({ ...camera, mediaTypes: undefined }, UI)).toBe(false)
    expect(permissionAllowed({ ...camera, mainFrame: false }, UI)).toBe(false)
    expect(permissionAllowed({ ...camera, mainFrame: undefined }, UI)).toBe(false)
    expect(permissionAllowed({ ...camera, url: 'file:///tmp/other.html' }, UI)).toBe(false)
    expect(permissionAllowed({ ...camera, url: undefined }, UI)).toBe(false)
    for (const permission of ['geolocation', 'notifications', 'clipboard-read', 'display-capture', 'midi', 'openExternal', 'fullscreen']) {
      expect(permissionAllowed({ ...camera, permission }, UI), permission).toBe(false)
    }
  })
})
