/** DESK-1: which permission the renderer may have (pure, so a test can check it without Electron). */

/** What a permission request or check says about itself (the fields of Electron's details we read). */
export interface PermissionAsk {
  readonly permission: string
  readonly url: string | undefined
  readonly mainFrame: boolean | undefined
  /** Requests: every media type asked for; checks: the one media type checked. */
  readonly mediaTypes: readonly string[] | undefined
}

/** DESK-1: the one permission granted — the camera, video only, to our UI file's main frame (QR scanning, JOIN-QR-1). */
export function permissionAllowed(ask: PermissionAsk, uiUrl: string): boolean {
  return ask.permission === 'media' && ask.mainFrame === true && ask.url === uiUrl
    && ask.mediaTypes !== undefined && ask.mediaTypes.length > 0 && ask.mediaTypes.every((t) => t === 'video')
}
