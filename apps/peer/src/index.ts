/**
 * @polity/peer — the `polity` CLI and browser mode. The desktop app shares
 * with it where a device keeps its data, its per-device network settings and
 * the remembered passphrase (one data directory for both, DESK-7).
 */
export { defaultDataDir } from './data-dir'
export { readPeerConfig, ConfigError, type PeerConfig } from './config'
export { REMEMBERED_FILE, rememberedPath, forgetRememberedPassphrase } from './remembered'
export { VERSION } from './version'
