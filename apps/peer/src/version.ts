/** The version `polity --version` prints (this package's; the bundle inlines it). */
import pkg from '../package.json' with { type: 'json' }

export const VERSION: string = pkg.version
