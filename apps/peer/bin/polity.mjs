#!/usr/bin/env node
// The `polity` command. Runs the TypeScript sources through tsx (a dev-time
// loader) so the workspace needs no separate build step.
import { register } from 'tsx/esm/api'

register()
await import('../src/cli.ts')
