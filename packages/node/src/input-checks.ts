/**
 * Checks on what a caller hands the node's commands, before anything is
 * signed. Every bound is read from the protocol's body schema (`bodyShapes`
 * and friends), so a limit is stated once, where the protocol enforces it;
 * the node only words the refusal for a person. A body the schema still
 * refuses (a value no check here looks at) is reported as the caller's
 * mistake too (`opFromInput`).
 */
import {
  DEFAULT_RULES, territoryBodyShapes, DecodeError, MAX_VOTING_PERIOD, ROLES, actionShapes, bodyShapes, forkParentShape, fromHex, publicKeyFromDidKey,
  type AnyOp, type Bounded, type ProposalAction, type Role, type Rules,
} from '@polity/protocol'
import type { ProposalActionInput, RulesInput } from '@polity/api'
import { InvalidInputError } from './errors'
import { idRef, placeBodyOf, placeStatus } from './territory-inputs'

/** The protocol's bounds the node checks input against. */
export const LIMITS = {
  communityName: bodyShapes.genesis.name,
  purpose: bodyShapes.genesis.purpose,
  charter: bodyShapes.genesis.charter,
  memberName: bodyShapes['profile.set'].name,
  removalReason: bodyShapes['member.remove'].reason,
  inviteUses: bodyShapes['invite.create'].uses,
  proposalTitle: bodyShapes['proposal.create'].title,
  proposalText: bodyShapes['proposal.create'].text,
  amendedCharter: actionShapes.amend.charter,
  comment: bodyShapes['comment.add'].text,
  draftUpdate: bodyShapes['charter.edit'].update,
  draftClient: bodyShapes['charter.bind'].client,
  forkHeads: forkParentShape.heads,
  forkMembers: forkParentShape.members,
  placeName: territoryBodyShapes['place.add'].name,
  campaignTitle: territoryBodyShapes['campaign.open'].title,
  campaignText: territoryBodyShapes['campaign.open'].text,
} as const

export const HOUR = 3600_000
/** GOV-5's longest voting period, in hours: the farthest a proposal's deadline may be set. */
export const MAX_DEADLINE_HOURS = MAX_VOTING_PERIOD / HOUR
/** Node policy (no protocol bound): an invite lives 1 hour to a year. */
export const MAX_INVITE_HOURS = 24 * 366

/** Text within a schema bound; a required one (min > 0) is trimmed first. */
export function checkText(v: unknown, what: string, bound: Bounded<string>): string {
  if (typeof v !== 'string') throw new InvalidInputError(`${what} must be text.`)
  const t = bound.min > 0 ? v.trim() : v
  if (t.length < bound.min) throw new InvalidInputError(`${what} cannot be empty.`)
  if (t.length > bound.max) throw new InvalidInputError(`${what} is too long (at most ${bound.max} characters).`)
  return t
}

export function checkRole(r: unknown): Role {
  if (typeof r !== 'string' || !(ROLES as readonly string[]).includes(r)) {
    throw new InvalidInputError(`The role must be ${ROLES.slice(0, -1).join(', ')} or ${ROLES[ROLES.length - 1] as string}.`)
  }
  return r as Role
}

export function memberBytes(member: unknown): Uint8Array {
  if (typeof member === 'string' && /^[0-9a-f]{64}$/.test(member)) return fromHex(member, 32)
  if (typeof member === 'string' && member.startsWith('did:key:')) {
    try {
      return publicKeyFromDidKey(member)
    } catch {
      // The message below is the one a person can act on.
    }
  }
  throw new InvalidInputError('Name the member by their id (64 hex characters) or did:key.')
}

/** REL-1: a community named by its id (64 hex digits). */
export function communityRef(id: unknown): Uint8Array {
  if (typeof id !== 'string' || !/^[0-9a-f]{64}$/.test(id.trim().toLowerCase())) throw new InvalidInputError('Name the community by its id (64 hex characters).')
  return fromHex(id.trim().toLowerCase(), 32)
}

/** A sha256 or a public key given as 64 hex digits. */
export function hash32(v: unknown, what: string): Uint8Array {
  if (typeof v !== 'string' || !/^[0-9a-f]{64}$/.test(v.trim().toLowerCase())) throw new InvalidInputError(`${what} must be 64 hex characters.`)
  return fromHex(v.trim().toLowerCase(), 32)
}

export function opRef(id: unknown): Uint8Array {
  if (typeof id !== 'string' || !/^[0-9a-f]{64}$/.test(id)) throw new InvalidInputError('That is not a proposal id.')
  return fromHex(id, 32)
}

/** A ratified version by number: only a whole number indexes the list (`versions["constructor"]` is not a version). */
export function versionAt<T>(versions: readonly T[], n: unknown): T | undefined {
  return typeof n === 'number' && Number.isSafeInteger(n) && n >= 0 && n < versions.length ? versions[n] : undefined
}

export function toAction(a: ProposalActionInput, currentVersion: number): ProposalAction {
  switch (a?.type) {
    case 'resolution':
      return { type: 'resolution' }
    case 'amend':
      return { type: 'amend', charter: checkText(a.charter, 'The amended charter', LIMITS.amendedCharter), base: currentVersion }
    case 'admit':
    case 'remove':
      return { type: a.type, member: memberBytes(a.member) }
    case 'role':
      return { type: 'role', member: memberBytes(a.member), role: checkRole(a.role) }
    case 'rules':
      return { type: 'rules', rules: a.rules }
    case 'recognize':
      return {
        type: 'recognize', community: communityRef(a.community), name: checkText(a.name, 'The community\'s name', actionShapes.recognize.name),
        statement: checkText(a.statement, 'The statement', actionShapes.recognize.statement), census: a.census === undefined || a.census === '' ? undefined : hash32(a.census, 'The census hash'),
      }
    case 'unrecognize':
      return { type: 'unrecognize', community: communityRef(a.community) }
    case 'place': {
      // PLACE-7, PLACE-8: the fields of addPlace, rounded to the precision before signing (PLACE-3).
      const { name, ...fields } = placeBodyOf(a, checkText(a.name, 'The name', actionShapes.place.placeName))
      return { type: 'place', placeName: name, ...fields }
    }
    case 'placeStatus':
      return { type: 'placeStatus', place: idRef(a.place, 'The place'), status: placeStatus(a.status) }
    default:
      throw new InvalidInputError('Unknown proposal kind.')
  }
}

/** Rules to found a community with: DEFAULT_RULES, overridden per field and per decision class. */
export function rulesFrom(input: RulesInput | undefined): Rules {
  const { decisions, ...rest } = input ?? {}
  const d = DEFAULT_RULES.decisions
  const pick = (k: keyof Rules['decisions']): Rules['decisions'][typeof k] => ({ ...d[k], ...(decisions?.[k] ?? {}) })
  return { ...DEFAULT_RULES, ...rest, decisions: { resolution: pick('resolution'), roster: pick('roster'), rules: pick('rules'), charter: pick('charter') } }
}

/** An op built from a caller's input: a body the schema refuses is the caller's mistake, said as such. */
export function opFromInput<T>(make: () => T): T {
  try {
    return make()
  } catch (e) {
    if (e instanceof DecodeError) throw new InvalidInputError(`The input does not fit the op: ${e.message}`)
    throw e
  }
}

/** "ROSTER-9: no one may change their own role" → a sentence with the rule kept for reference. */
export function humanRule(message: string): string {
  const m = /^([A-Z]+-[0-9A-Z]+): (.*)$/.exec(message)
  if (!m) return message
  const text = (m[2] as string).charAt(0).toUpperCase() + (m[2] as string).slice(1)
  return `${text} (rule ${m[1]}).`
}

export function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e)
}
