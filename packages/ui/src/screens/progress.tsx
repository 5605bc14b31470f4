/**
 * Determinate progress bars for long tasks (BRIDGE-9): the node tells each
 * task's progress as events; a screen shows the bar for the task it waits
 * on — unlocking and creating an identity (scrypt), the replay behind a
 * community's checkpoint, a bundle import, a first sync — and nothing once
 * the task is done.
 */
import { useEffect, useId, useState } from 'react'
import { useTranslation } from 'react-i18next'
import type { CommunityId, PolityEvent, ProgressTask } from '@polity/api'
import { useApi } from '../api-context'

type ProgressEvent = Extract<PolityEvent, { type: 'progress' }>

/** The latest progress of `tasks` (for `community` when given) while one is running; null when none is. */
export function useProgress(tasks: readonly ProgressTask[], community?: CommunityId): ProgressEvent | null {
  const api = useApi()
  const [p, setP] = useState<ProgressEvent | null>(null)
  const key = tasks.join(',')
  useEffect(() => {
    const wanted = new Set(key.split(','))
    return api.subscribe((e) => {
      if (e.type !== 'progress' || !wanted.has(e.task)) return
      if (community !== undefined && e.community !== community) return
      setP(e.done >= e.total ? null : e)
    })
  }, [api, key, community])
  return p
}

/** The bar with its label, or nothing when no such task is running. */
export function ProgressBar({ tasks, community }: { tasks: readonly ProgressTask[]; community?: CommunityId }): React.JSX.Element | null {
  const { t } = useTranslation()
  const id = useId()
  const p = useProgress(tasks, community)
  if (!p) return null
  const perMille = p.task === 'unlock' || p.task === 'identity'
  return (
    <div className="field progress" role="status" data-testid={`progress-${p.task}`} data-done={p.done} data-total={p.total}>
      <label htmlFor={id}>{perMille ? t(`progress.${p.task}`) : t(`progress.${p.task}`, { done: p.done, total: p.total })}</label>
      <progress id={id} max={Math.max(1, p.total)} value={p.done} />
    </div>
  )
}
