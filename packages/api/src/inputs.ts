/**
 * What each API method takes (BRIDGE-5 in docs/PROTOCOL.md). A host that
 * carries calls from a page (the browser-mode bridge, Electron IPC) checks a
 * call here before the node sees it: the method is one of API_METHODS, the
 * input is a plain map, and every key in it — at the top and in the nested
 * rules, action, method and ballot — is a field that call takes. Keys are
 * looked up as own properties in Maps only, so a key named after a built-in
 * (`constructor`, `toString`, `__proto__`, …) is just an unknown field.
 *
 * Values are checked by the node and, inside ops, by the protocol's schema;
 * this module only refuses what no method can mean. No runtime imports, so
 * the UI bundle stays small.
 */
import type { ApiMethod, PolityApi, Rules } from './api'
import { ApiError } from './wire'

type InputOf<M extends ApiMethod> = Parameters<PolityApi[M]> extends [] ? never : NonNullable<Parameters<PolityApi[M]>[0]>
type FieldList<M extends ApiMethod> = [InputOf<M>] extends [never] ? null : readonly (keyof InputOf<M> & string)[]

const FIELDS: { readonly [M in ApiMethod]: FieldList<M> } = {
  identityStatus: null,
  createIdentity: ['passphrase'],
  restoreIdentity: ['phrase', 'passphrase'],
  unlock: ['passphrase'],
  lock: null,
  changePassphrase: ['current', 'next'],
  offerDeviceLink: null,
  cancelDeviceLink: null,
  acceptDeviceLink: ['link', 'passphrase'],
  listCommunities: null,
  createCommunity: ['name', 'purpose', 'charter', 'rules', 'founderName'],
  getCommunity: ['community'],
  homeView: ['community'],
  proposalsView: ['community', 'offset', 'limit', 'filter'],
  proposalView: ['community', 'proposal'],
  votesView: ['community', 'proposal', 'offset', 'limit'],
  exportRoster: ['community', 'format'],
  exportVotes: ['community', 'proposal', 'format'],
  rosterView: ['community', 'offset', 'limit', 'query'],
  charterView: ['community'],
  createInvite: ['community', 'uses', 'expiresInHours', 'member'],
  acceptInvite: ['link', 'name'],
  cancelJoin: ['community'],
  listInvites: ['community'],
  revokeInvite: ['community', 'invite'],
  forkCommunity: ['community', 'name', 'purpose', 'version'],
  setProfile: ['community', 'name'],
  leaveCommunity: ['community'],
  removeMember: ['community', 'member', 'reason'],
  changeRole: ['community', 'member', 'role'],
  epochInfo: ['community'],
  rekey: ['community'],
  getDraft: ['community'],
  editDraft: ['community', 'update'],
  flushDraft: ['community'],
  setDraftText: ['community', 'text'],
  charterDiff: ['community', 'from', 'to'],
  diffTexts: ['a', 'b'],
  createProposal: ['community', 'title', 'text', 'action', 'method', 'deadlineInHours'],
  vote: ['community', 'proposal', 'ballot'],
  comment: ['community', 'proposal', 'text', 'replyTo'],
  closeProposal: ['community', 'proposal'],
  withdrawProposal: ['community', 'proposal'],
  extendProposal: ['community', 'proposal', 'hours'],
  exportBundle: ['community'],
  importBundle: ['bytes'],
  exportDossier: ['community', 'redacted'],
  verifyDossier: ['bytes'],
  syncStatus: ['community'],
  webrtcRoom: ['community'],
  envelopesSince: ['community', 'after'],
  importEnvelopes: ['community', 'envelopes'],
  placesView: ['community'],
  addPlace: ['community', 'name', 'kind', 'status', 'precision', 'geometry', 'areaM2', 'country', 'docs'],
  movePlace: ['community', 'place', 'status'],
  campaignsView: ['community'],
  campaignView: ['community', 'campaign'],
  openCampaign: ['community', 'title', 'text', 'goal', 'model', 'deadline', 'place'],
  pledge: ['community', 'campaign', 'amount'],
  closeCampaign: ['community', 'campaign'],
  recordReceipt: ['community', 'campaign', 'member', 'status', 'amount'],
  exportLedger: ['community', 'campaign', 'format'],
  censusView: ['community'],
  exportPublicCensus: ['community'],
  relationsView: ['community'],
  exportLetter: ['community', 'proposal'],
  verifyLetter: ['bytes'],
  importLetter: ['community', 'bytes'],
  addOutsideBody: ['community', 'body', 'label', 'source'],
  removeOutsideBody: ['community', 'body'],
  verifyStatement: ['bytes', 'community'],
  importStatement: ['community', 'bytes'],
}

const RULE_FIELDS = ['invite', 'remove', 'roles', 'propose', 'editDraft', 'decisions', 'entrenchedThreshold', 'places', 'treasurer', 'treaties', 'bodies'] as const satisfies readonly (keyof Rules)[]
const DECISION_CLASSES = ['resolution', 'roster', 'rules', 'charter'] as const satisfies readonly (keyof Rules['decisions'])[]
const DECISION_FIELDS = ['quorum', 'threshold', 'period'] as const satisfies readonly (keyof Rules['decisions']['roster'])[]
// Every rule is listed: this fails to compile when Rules gains a field the list lacks.
const allRules: [Exclude<keyof Rules, (typeof RULE_FIELDS)[number]>] extends [never] ? true : false = true

/** Variant inputs: the fields each `type` takes besides `type` itself. */
const VARIANTS = new Map<string, Map<string, readonly string[]>>([
  ['action', new Map([['resolution', []], ['amend', ['charter']], ['admit', ['member']], ['remove', ['member']], ['role', ['member', 'role']], ['rules', ['rules']], ['recognize', ['community', 'name', 'statement', 'census']], ['unrecognize', ['community']], ['place', ['name', 'kind', 'status', 'precision', 'geometry', 'areaM2', 'country', 'docs']], ['placeStatus', ['place', 'status']]])],
  ['method', new Map([['yesno', ['quorum', 'threshold']], ['approval', ['options', 'quorum']], ['irv', ['options', 'quorum']]])],
  ['ballot', new Map([['yesno', ['choice']], ['approval', ['approve']], ['irv', ['rank']]])],
])

/** Nested inputs of territory (issue 17) keyed by another field than `type`: the field, its alternatives and their fields. */
const KEYED = new Map<string, { key: string; types: Map<string, readonly string[]> }>([
  ['goal', { key: 'kind', types: new Map([['amount', ['amount', 'currency']], ['participants', ['count']]]) }],
  ['geometry', { key: 'type', types: new Map([['Point', ['coordinates']], ['Polygon', ['coordinates']]]) }],
])

function checkKeyed(field: string, v: unknown, where: string): void {
  if (field === 'geometry' && v === null) return
  const k = KEYED.get(field) as { key: string; types: Map<string, readonly string[]> }
  if (!isPlainMap(v)) throw invalid(`${where} must be a map with a "${k.key}".`)
  const t = own(v, k.key)
  const fields = typeof t === 'string' ? k.types.get(t) : undefined
  if (!fields) throw invalid(`${where}.${k.key} must be one of ${[...k.types.keys()].join(', ')}.`)
  onlyFields(v, [k.key, ...fields], `${where} (${t as string})`)
}

const methods = new Map<string, readonly string[] | null>(Object.entries(FIELDS))

/** A key from the caller in a message: quoted, cut short. */
const shown = (k: string): string => JSON.stringify(k.length > 40 ? `${k.slice(0, 40)}…` : k)

const invalid = (message: string): ApiError => new ApiError('InvalidInputError', 'ERR_INVALID_INPUT', message)

function isPlainMap(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return false
  const proto = Object.getPrototypeOf(v) as unknown
  return proto === Object.prototype || proto === null
}

function own(o: Record<string, unknown>, k: string): unknown {
  return Object.hasOwn(o, k) ? o[k] : undefined
}

function onlyFields(o: Record<string, unknown>, allowed: readonly string[], where: string): void {
  const set = new Set(allowed)
  for (const k of Reflect.ownKeys(o)) {
    if (typeof k !== 'string' || !set.has(k)) {
      const name = typeof k === 'string' ? shown(k) : 'a symbol'
      throw invalid(`${where} has no field ${name}; its fields are ${allowed.length > 0 ? allowed.join(', ') : '(none)'}.`)
    }
  }
}

function checkRules(v: unknown, where: string): void {
  if (v === undefined) return
  if (!isPlainMap(v)) throw invalid(`${where} must be a map of governance rules.`)
  onlyFields(v, RULE_FIELDS, where)
  const decisions = own(v, 'decisions')
  if (decisions === undefined) return
  if (!isPlainMap(decisions)) throw invalid(`${where}.decisions must be a map of decision classes.`)
  onlyFields(decisions, DECISION_CLASSES, `${where}.decisions`)
  for (const c of DECISION_CLASSES) {
    const d = own(decisions, c)
    if (d === undefined) continue
    if (!isPlainMap(d)) throw invalid(`${where}.decisions.${c} must be a map.`)
    onlyFields(d, DECISION_FIELDS, `${where}.decisions.${c}`)
  }
}

function checkVariant(field: string, v: unknown, where: string): void {
  const types = VARIANTS.get(field) as Map<string, readonly string[]>
  if (!isPlainMap(v)) throw invalid(`${where} must be a map with a "type".`)
  const t = own(v, 'type')
  const fields = typeof t === 'string' ? types.get(t) : undefined
  if (!fields) throw invalid(`${where}.type must be one of ${[...types.keys()].join(', ')}.`)
  onlyFields(v, ['type', ...fields], `${where} (${t as string})`)
  if (field === 'action' && t === 'rules') checkRules(own(v, 'rules'), `${where}.rules`)
}

/**
 * Check one call from a page before it reaches the node. Throws ApiError
 * (`ERR_UNKNOWN_METHOD` or `ERR_INVALID_INPUT`) with a sentence naming the
 * method or field; returns the method name, narrowed.
 */
export function checkApiInput(method: unknown, input: unknown): ApiMethod {
  const fields = typeof method === 'string' ? methods.get(method) : undefined
  if (fields === undefined) {
    throw new ApiError('BridgeError', 'ERR_UNKNOWN_METHOD', `Unknown API method ${typeof method === 'string' ? shown(method) : typeof method}.`)
  }
  const name = method as ApiMethod
  if (fields === null) {
    if (input !== undefined && input !== null) throw invalid(`${name} takes no input.`)
    return name
  }
  if (!isPlainMap(input)) throw invalid(`${name} takes a map with the fields ${fields.join(', ')}.`)
  onlyFields(input, fields, name)
  if (name === 'createCommunity') checkRules(own(input, 'rules'), `${name}.rules`)
  for (const field of ['action', 'method', 'ballot']) {
    if (fields.includes(field) && own(input, field) !== undefined) checkVariant(field, own(input, field), `${name}.${field}`)
  }
  for (const field of ['goal', 'geometry']) {
    if (fields.includes(field) && own(input, field) !== undefined) checkKeyed(field, own(input, field), `${name}.${field}`)
  }
  return name
}

void allRules
