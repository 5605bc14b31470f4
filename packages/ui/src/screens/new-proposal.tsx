/**
 * A new proposal of each kind (resolution, amendment, admission, removal,
 * role change, rules change, recognition, a place or a place's status,
 * PLACE-7) with each method the protocol allows for it,
 * pre-filled with the floor the rules set (GOV-1..3). The rules and charter
 * come from the charter view (VIEW-5); members to name from a roster search.
 */
import { useEffect, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { ROLES, touchesEntrenched, type CharterView, type CommunityId, type PlaceKind, type PlacePrecision, type PlaceStatus, type PlaceView, type ProposalActionInput, type Role, type RosterRow } from '@polity/api'
import { messageOf, useApi } from '../api-context'
import { ErrorText, Field } from './widgets'
import { DiffView, useTextDiff } from './common'
import { SelectField } from './territory/fields'
import { KINDS as PLACE_KINDS, PRECISIONS, STATUSES } from './territory/place-form'
import { floorOf, MethodFields, methodDraftOf, methodOf, rulesDraftOf, RulesFields, rulesOf, type MethodDraft, type RulesDraft } from './rules-form'

type Kind = ProposalActionInput['type']
const KINDS: readonly Kind[] = ['resolution', 'amend', 'admit', 'remove', 'role', 'rules', 'recognize', 'unrecognize', 'place', 'placeStatus']

export function NewProposal({ id, state, onChange }: { id: CommunityId; state: CharterView; onChange: () => void }): React.JSX.Element {
  const api = useApi()
  const { t } = useTranslation()
  const [title, setTitle] = useState('')
  const [text, setText] = useState('')
  const [kind, setKind] = useState<Kind>('resolution')
  const [member, setMember] = useState('')
  const [role, setRole] = useState<Role>('steward')
  const [other, setOther] = useState({ community: '', name: '', statement: '', census: '' })
  const [rules, setRules] = useState<RulesDraft>(() => rulesDraftOf(state.rules))
  // PLACE-7: a place (its name, kind, status and precision; the Map screen gives the rest) or a status change.
  const [newPlace, setNewPlace] = useState<{ name: string; kind: PlaceKind; status: PlaceStatus; precision: PlacePrecision }>({ name: '', kind: 'hub', status: 'proposed', precision: 'hidden' })
  const [places, setPlaces] = useState<readonly PlaceView[]>([])
  const [placeId, setPlaceId] = useState('')
  const [placeTo, setPlaceTo] = useState<PlaceStatus | ''>('')
  const current = state.charter.versions[state.charter.versions.length - 1]?.text ?? ''
  // GOV-1: the floor for this kind under the rules in force; the form starts there and refuses less.
  const floorFor = (k: Kind): ReturnType<typeof floorOf> => floorOf(state.rules, k, { entrenchedAmend: k === 'amend' && touchesEntrenched(current, state.charter.draft), newRules: k === 'rules' ? rulesOf(rules) : null })
  const floor = floorFor(kind)
  const [method, setMethod] = useState<MethodDraft>(() => methodDraftOf(floorOf(state.rules, 'resolution')))
  const draftDiff = useTextDiff(current, state.charter.draft, 300)
  const [note, setNote] = useState<string | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [search, setSearch] = useState('')
  const [others, setOthers] = useState<readonly RosterRow[]>([])
  useEffect(() => {
    if (kind !== 'remove' && kind !== 'role') return
    // VIEW-2: the first 50 members matching the search, not the whole roster.
    let live = true
    const timer = setTimeout(() => {
      api.rosterView({ community: id, query: search }).then((p) => {
        if (live) setOthers(p.rows)
      }, () => undefined)
    }, 200)
    return () => {
      live = false
      clearTimeout(timer)
    }
  }, [api, id, kind, search])
  useEffect(() => {
    if (kind !== 'placeStatus') return
    let live = true
    api.placesView({ community: id }).then((v) => {
      if (live) setPlaces(v.places)
    }, () => undefined)
    return () => {
      live = false
    }
  }, [api, id, kind])
  const chosenPlace = places.find((p) => p.id === placeId)
  const placeTargets = chosenPlace ? [...chosenPlace.canProposeTo, ...chosenPlace.canMoveTo] : []
  const create = async (): Promise<void> => {
    setError(null)
    setNote(null)
    const m = methodOf(kind === 'resolution' ? method : { ...method, type: 'yesno' }, floor)
    if ('problem' in m) return setError(t(m.problem, m.values))
    let action: ProposalActionInput
    switch (kind) {
      case 'resolution':
        action = { type: 'resolution' }
        break
      case 'amend':
        await api.flushDraft({ community: id }).catch(() => undefined)
        action = { type: 'amend', charter: (await api.charterView({ community: id })).charter.draft }
        break
      case 'admit':
      case 'remove':
        if (member.trim() === '') return setError(t('proposals.needMember'))
        action = { type: kind, member: member.trim() }
        break
      case 'role':
        if (member.trim() === '') return setError(t('proposals.needMember'))
        action = { type: 'role', member: member.trim(), role }
        break
      case 'rules': {
        const r = rulesOf(rules)
        if (!r) return setError(t('rules.invalid'))
        action = { type: 'rules', rules: r }
        break
      }
      case 'recognize':
        action = { type: 'recognize', community: other.community.trim(), name: other.name, statement: other.statement, ...(other.census.trim() ? { census: other.census.trim() } : {}) }
        break
      case 'unrecognize':
        action = { type: 'unrecognize', community: other.community.trim() }
        break
      case 'place':
        if (newPlace.name.trim() === '') return setError(t('placeForm.needName'))
        action = { type: 'place', name: newPlace.name.trim(), kind: newPlace.kind, status: newPlace.status, precision: newPlace.precision }
        break
      case 'placeStatus':
        if (!chosenPlace || placeTo === '' || !placeTargets.includes(placeTo)) return setError(t('proposals.choosePlace'))
        action = { type: 'placeStatus', place: chosenPlace.id, status: placeTo }
        break
    }
    try {
      await api.createProposal({ community: id, title, text, action, method: m.method, deadlineInHours: Number(method.hours) })
      setTitle('')
      setText('')
      setNote(t('proposals.created'))
      onChange()
    } catch (e) {
      setError(messageOf(e))
    }
  }
  return (
    <div className="form">
      <h2>{t('proposals.new')}</h2>
      <Field label={t('proposals.titleField')} testid="proposal-title" value={title} onChange={setTitle} />
      <Field label={t('proposals.text')} testid="proposal-text" value={text} onChange={setText} multiline />
      <div className="field">
        <label htmlFor="proposal-kind">{t('proposals.kind')}</label>
        <select id="proposal-kind" data-testid="proposal-kind" value={kind} onChange={(e) => {
          const k = e.target.value as Kind
          setKind(k)
          setMember('')
          setMethod(methodDraftOf(floorFor(k)))
        }}>
          {KINDS.map((k) => <option key={k} value={k}>{t(`proposals.kind.${k}`)}</option>)}
        </select>
      </div>
      {kind === 'amend' && (
        <div>
          <p className="muted">{t('proposals.amendHelp')}</p>
          <DiffView diff={draftDiff} testid="new-amend-diff" />
        </div>
      )}
      {kind === 'admit' && <Field label={t('proposals.memberInput')} testid="proposal-member-input" value={member} onChange={setMember} />}
      {(kind === 'remove' || kind === 'role') && <Field label={t('proposals.searchMember')} testid="proposal-member-search" value={search} onChange={setSearch} />}
      {(kind === 'remove' || kind === 'role') && (
        <div className="field">
          <label htmlFor="proposal-member">{t('proposals.member')}</label>
          <select id="proposal-member" data-testid="proposal-member" value={member} onChange={(e) => setMember(e.target.value)}>
            <option value="">{t('proposals.chooseMember')}</option>
            {others.map((m) => <option key={m.id} value={m.id}>{m.name ?? m.id.slice(0, 12)} ({t(`roster.role.${m.role}`)})</option>)}
          </select>
        </div>
      )}
      {kind === 'role' && (
        <div className="field">
          <label htmlFor="proposal-role">{t('proposals.newRole')}</label>
          <select id="proposal-role" data-testid="proposal-role" value={role} onChange={(e) => setRole(e.target.value as Role)}>
            {ROLES.map((r) => <option key={r} value={r}>{t(`roster.role.${r}`)}</option>)}
          </select>
        </div>
      )}
      {kind === 'rules' && <RulesFields value={rules} onChange={setRules} />}
      {(kind === 'recognize' || kind === 'unrecognize') && <Field label={t('proposals.otherCommunity')} testid="proposal-other" value={other.community} onChange={(v) => setOther({ ...other, community: v })} />}
      {kind === 'recognize' && (
        <>
          <Field label={t('proposals.otherName')} testid="proposal-other-name" value={other.name} onChange={(v) => setOther({ ...other, name: v })} />
          <Field label={t('proposals.statement')} testid="proposal-statement" value={other.statement} onChange={(v) => setOther({ ...other, statement: v })} multiline />
          <Field label={t('proposals.census')} testid="proposal-census" value={other.census} onChange={(v) => setOther({ ...other, census: v })} />
          <p className="muted">{t('proposals.recognizeHelp')}</p>
        </>
      )}
      {kind === 'place' && (
        <>
          <Field label={t('placeForm.name')} testid="proposal-place-name" value={newPlace.name} onChange={(v) => setNewPlace({ ...newPlace, name: v })} />
          <div className="grid">
            <SelectField label={t('placeForm.kind')} value={newPlace.kind} options={PLACE_KINDS} text={(k) => t(`place.kind.${k}`)} onChange={(v) => setNewPlace({ ...newPlace, kind: v })} testid="proposal-place-kind" />
            <SelectField label={t('placeForm.status')} value={newPlace.status} options={STATUSES} text={(k) => t(`place.status.${k}`)} onChange={(v) => setNewPlace({ ...newPlace, status: v })} testid="proposal-place-status" />
            <SelectField label={t('placeForm.precision')} value={newPlace.precision} options={PRECISIONS} text={(k) => t(`place.precision.${k}`)} onChange={(v) => setNewPlace({ ...newPlace, precision: v })} testid="proposal-place-precision" />
          </div>
          <p className="muted">{t('proposals.placeHelp')}</p>
        </>
      )}
      {kind === 'placeStatus' && (
        <div className="grid">
          <div className="field">
            <label htmlFor="proposal-place">{t('proposals.place')}</label>
            <select id="proposal-place" data-testid="proposal-place" value={placeId} onChange={(e) => {
              setPlaceId(e.target.value)
              setPlaceTo('')
            }}>
              <option value="">{t('proposals.choosePlace')}</option>
              {places.map((p) => <option key={p.id} value={p.id}>{p.name} ({t(`place.status.${p.status}`)})</option>)}
            </select>
          </div>
          <div className="field">
            <label htmlFor="proposal-place-to">{t('proposals.newStatus')}</label>
            <select id="proposal-place-to" data-testid="proposal-place-to" value={placeTo} onChange={(e) => setPlaceTo(e.target.value as PlaceStatus)}>
              <option value="" />
              {placeTargets.map((st) => <option key={st} value={st}>{t(`place.status.${st}`)}</option>)}
            </select>
          </div>
        </div>
      )}
      <MethodFields value={method} onChange={setMethod} allowChoice={kind === 'resolution'} floor={floor} />
      <button type="button" data-testid="create-proposal" disabled={title.trim() === ''} onClick={() => void create()}>{t('proposals.submit')}</button>
      {note && <p role="status">{note}</p>}
      <ErrorText error={error} />
    </div>
  )
}

