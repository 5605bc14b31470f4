/** The list of communities; found one; join with an invite link. */
import { useCallback, useEffect, useState } from 'react'
import { useTranslation } from 'react-i18next'
import type { CommunityId, CommunitySummary } from '@polity/api'
import { messageOf, useApi } from '../api-context'
import { ErrorText, Field } from './widgets'

export function Communities({ onOpen }: { onOpen: (id: CommunityId) => void }): React.JSX.Element {
  const api = useApi()
  const { t } = useTranslation()
  const [list, setList] = useState<CommunitySummary[] | null>(null)
  const [form, setForm] = useState<'none' | 'create' | 'join'>('none')
  const [name, setName] = useState('')
  const [purpose, setPurpose] = useState('')
  const [charter, setCharter] = useState('# Charter\n\n')
  const [myName, setMyName] = useState('')
  const [link, setLink] = useState('')
  const [note, setNote] = useState<string | null>(null)
  const [error, setError] = useState<string | null>(null)
  const refresh = useCallback(() => {
    api.listCommunities().then(setList, (e: unknown) => setError(messageOf(e)))
  }, [api])
  useEffect(() => {
    refresh()
    return api.subscribe((e) => {
      if (e.type === 'communities' || e.type === 'community') refresh()
    })
  }, [api, refresh])
  const create = async (): Promise<void> => {
    setError(null)
    try {
      const id = await api.createCommunity({ name, purpose, charter, ...(myName ? { founderName: myName } : {}) })
      onOpen(id)
    } catch (e) {
      setError(messageOf(e))
    }
  }
  const join = async (): Promise<void> => {
    setError(null)
    try {
      const r = await api.acceptInvite({ link, ...(myName ? { name: myName } : {}) })
      if (r.status === 'joined') onOpen(r.community)
      else {
        setNote(t('join.waiting'))
        refresh()
      }
    } catch (e) {
      setError(messageOf(e))
    }
  }
  return (
    <section className="card">
      <h1>{t('communities.title')}</h1>
      {list === null ? <p>{t('common.loading')}</p> : list.length === 0 ? <p>{t('communities.empty')}</p> : (
        <ul className="list" data-testid="community-list">
          {list.map((c) => (
            <li key={c.id}>
              <button type="button" className="link" data-testid="open-community" onClick={() => onOpen(c.id)}>{c.name || c.id.slice(0, 12)}</button>
              <span className="muted"> · {c.pendingJoin ? t('communities.joining') : `${t('communities.members', { count: c.memberCount })} · ${t('communities.openProposals', { count: c.openProposals })}`}</span>
            </li>
          ))}
        </ul>
      )}
      <div className="row">
        <button type="button" data-testid="show-create" onClick={() => setForm('create')}>{t('communities.create')}</button>
        <button type="button" data-testid="show-join" onClick={() => setForm('join')}>{t('communities.join')}</button>
      </div>
      {form === 'create' && (
        <div className="form">
          <Field label={t('create.name')} testid="community-name" value={name} onChange={setName} />
          <Field label={t('create.purpose')} testid="community-purpose" value={purpose} onChange={setPurpose} />
          <Field label={t('create.charter')} testid="community-charter" value={charter} onChange={setCharter} multiline />
          <Field label={t('create.yourName')} testid="my-name" value={myName} onChange={setMyName} />
          <button type="button" data-testid="create-community" onClick={() => void create()}>{t('create.submit')}</button>
        </div>
      )}
      {form === 'join' && (
        <div className="form">
          <Field label={t('join.link')} testid="invite-input" value={link} onChange={setLink} />
          <Field label={t('join.name')} testid="my-name" value={myName} onChange={setMyName} />
          <button type="button" data-testid="join-community" onClick={() => void join()}>{t('join.submit')}</button>
        </div>
      )}
      {note && <p role="status">{note}</p>}
      <ErrorText error={error} />
    </section>
  )
}
