/**
 * Fork: start a new community from one ratified charter version of this one,
 * and see the lineage — the chain of parents this community was forked from
 * (each at a charter version) and the forks of it this device holds. Only
 * verified links are drawn as a chain (FORK-5); a claim that cannot be
 * checked yet, or is false, is shown as such and goes no further.
 */
import { useEffect, useState } from 'react'
import { useTranslation } from 'react-i18next'
import type { CharterView, CommunityId, CommunitySummary, ForkLineage } from '@polity/api'
import { messageOf, useApi } from '../api-context'
import { ErrorText, Field } from './widgets'
import { useView, VersionSelect } from './common'
import { LineageNote, parentLabel } from './lineage'

interface Step {
  readonly id: CommunityId
  readonly name: string | null
  /** The charter version of this step's parent it started from (null for the root). */
  readonly version: number | null
  /** This step's own lineage when it is a fork whose link to its parent is not verified. */
  readonly claim: ForkLineage | null
}

/** Walk the verified parent chain as far as this device holds the communities (at most 32 steps). */
function useLineage(state: CharterView): { ancestors: Step[]; forks: CommunitySummary[]; complete: boolean } {
  const api = useApi()
  const [ancestors, setAncestors] = useState<Step[]>([])
  const [forks, setForks] = useState<CommunitySummary[]>([])
  const [complete, setComplete] = useState(true)
  useEffect(() => {
    let live = true
    void (async () => {
      const list = await api.listCommunities().catch(() => [] as CommunitySummary[])
      const chain: Step[] = []
      let parent = state.parent
      let whole = true
      for (let i = 0; parent && i < 32; i++) {
        const at = parent.community
        const held = list.find((c) => c.id === at && !c.pendingJoin)
        const s = held ? await api.charterView({ community: at }).catch(() => null) : null
        const claim = s?.lineage && s.lineage.status !== 'verified' ? s.lineage : null
        chain.push({ id: at, name: held?.name ?? null, version: s?.parent?.version ?? null, claim })
        if (!s) {
          whole = false
          break
        }
        parent = s.parent
      }
      chain.reverse()
      if (!live) return
      setAncestors(chain)
      setComplete(whole)
      // Forks of this community: only those whose lineage this device verified.
      setForks(list.filter((c) => c.parent === state.community && c.lineage?.status === 'verified'))
    })()
    return () => {
      live = false
    }
  }, [api, state.community, state.parent])
  return { ancestors, forks, complete }
}

export function Fork({ id, onOpen }: { id: CommunityId; onOpen: (id: CommunityId) => void }): React.JSX.Element {
  const api = useApi()
  const { t } = useTranslation()
  // VIEW-5: the versions, name, purpose and lineage; refetched when versions change or a lineage settles.
  const { value: state, error } = useView(id, ['charter'], () => api.charterView({ community: id }), [id])
  if (!state) return error ? <ErrorText error={error} /> : <p>{t('common.loading')}</p>
  return <ForkOf id={id} state={state} onOpen={onOpen} />
}

function ForkOf({ id, state, onOpen }: { id: CommunityId; state: CharterView; onOpen: (id: CommunityId) => void }): React.JSX.Element {
  const api = useApi()
  const { t } = useTranslation()
  const versions = state.charter.versions
  const [version, setVersion] = useState(versions.length - 1)
  // The suggested name is shown in the field, never used silently: an emptied field cannot fork.
  const [name, setName] = useState(() => t('fork.defaultName', { name: state.name }))
  const [purpose, setPurpose] = useState(state.purpose)
  const [error, setError] = useState<string | null>(null)
  const { ancestors, forks, complete } = useLineage(state)
  useEffect(() => setVersion(versions.length - 1), [versions.length])
  const fork = async (): Promise<void> => {
    setError(null)
    try {
      onOpen(await api.forkCommunity({ community: id, name: name.trim(), purpose, version }))
    } catch (e) {
      setError(messageOf(e))
    }
  }
  const chosen = versions[version]
  const claim = state.lineage && state.lineage.status !== 'verified' ? state.lineage : null
  const lineage: Step[] = [...ancestors, { id, name: state.name, version: state.parent?.version ?? null, claim }]
  const label = (s: Step | undefined): string => s?.name ?? `${s?.id.slice(0, 12) ?? ''}…`
  return (
    <div>
      <h2>{t('fork.lineage')}</h2>
      {state.parent === null && claim === null && forks.length === 0 && <p className="muted">{t('fork.noLineage')}</p>}
      {(state.parent !== null || claim !== null || forks.length > 0) && (
        <ol className="lineage" data-testid="lineage">
          {lineage.map((s, i) => (
            <li key={s.id} data-testid="lineage-step" aria-current={s.id === id ? 'true' : undefined}>
              <strong>{label(s)}</strong>
              {s.id === id && <span className="muted"> {t('fork.thisOne')}</span>}
              {i > 0 && s.version !== null && s.claim === null && <span className="muted"> · {t('fork.fromVersion', { n: s.version, parent: label(lineage[i - 1]) })} · {t('lineage.verifiedShort')}</span>}
              {s.claim !== null && <span> · <LineageNote lineage={s.claim} name={parentLabel(s.claim)} /></span>}
              {s.name === null && <span className="muted"> · {t('fork.notHeld')}</span>}
            </li>
          ))}
        </ol>
      )}
      {!complete && <p className="muted">{t('fork.partial')}</p>}
      {forks.length > 0 && (
        <>
          <h3>{t('fork.children')}</h3>
          <ul className="list" data-testid="forks">
            {forks.map((f) => <li key={f.id}><button type="button" className="link" onClick={() => onOpen(f.id)}>{f.name}</button></li>)}
          </ul>
        </>
      )}
      <h2>{t('fork.title')}</h2>
      <p>{t('fork.help')}</p>
      <div className="form">
        <VersionSelect id="fork-version" label={t('fork.version')} versions={versions} value={version} onChange={setVersion} />
        {chosen && (
          <details>
            <summary>{t('fork.preview', { n: chosen.version })}</summary>
            <pre data-testid="fork-preview">{chosen.text}</pre>
          </details>
        )}
        <Field label={t('fork.name')} testid="fork-name" value={name} onChange={setName} />
        <Field label={t('create.purpose')} testid="fork-purpose" value={purpose} onChange={setPurpose} />
        <p className="muted">{t('fork.after')}</p>
        <button type="button" data-testid="create-fork" disabled={name.trim() === ''} onClick={() => void fork()}>{t('fork.submit')}</button>
      </div>
      <ErrorText error={error} />
    </div>
  )
}
