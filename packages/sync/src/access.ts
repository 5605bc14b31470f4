/**
 * Read access from the roster (SYNC-3): a peer proves it is an active member
 * (signature by its member key) or holds a usable invite (signature by the
 * invite key), over a fresh challenge, the community and the prover's
 * channel identity (its libp2p peer id), so a proof cannot be replayed on
 * another connection.
 */
import { concatBytes, fromHex, inviteOpen, sign, toHex, verifyStrict, type CommunityId, type KeyPair, type OpId, type RosterState, type Verifier } from '@polity/protocol'
import type { AccessControl, Proof } from './session'

const DOMAIN = new TextEncoder().encode('polity/sync-access/v1\0')

export function accessMessage(community: string, challenge: Uint8Array, prover: Uint8Array): Uint8Array {
  return concatBytes(DOMAIN, fromHex(community, 32), challenge, prover)
}

export interface RosterAccessOptions {
  readonly replica: { roster(): RosterState }
  readonly community: CommunityId | string
  /** Our member identity key, when we are a member. */
  readonly identity?: KeyPair
  /** An invite we hold, when we are joining. */
  readonly invite?: { readonly id: OpId; readonly key: KeyPair }
  /** Our channel identity (e.g. our peer id bytes) and the remote's. */
  readonly localBinding: Uint8Array
  readonly remoteBinding: Uint8Array
  readonly now?: () => number
  readonly verify?: Verifier
}

export function rosterAccess(o: RosterAccessOptions): AccessControl {
  const verify = o.verify ?? verifyStrict
  return {
    prove(challenge: Uint8Array): Proof | undefined {
      const msg = accessMessage(o.community, challenge, o.localBinding)
      const roster = o.replica.roster()
      if (o.identity && roster.members.has(toHex(o.identity.publicKey) as never)) {
        return { kind: 'member', key: o.identity.publicKey, signature: sign(msg, o.identity.secretKey) }
      }
      if (o.invite) return { kind: 'invite', key: fromHex(o.invite.id, 32), signature: sign(msg, o.invite.key.secretKey) }
      // Our replica may be empty (a restored device): offer the member proof and let the peer's roster decide.
      if (o.identity) return { kind: 'member', key: o.identity.publicKey, signature: sign(msg, o.identity.secretKey) }
      return undefined
    },
    verify(proof: Proof, challenge: Uint8Array): boolean {
      const msg = accessMessage(o.community, challenge, o.remoteBinding)
      const roster = o.replica.roster()
      // SYNC-3b: a newcomer with no roster yet cannot check the peer, and need not for integrity:
      // the community id is the hash of its genesis and every op is verified on arrival.
      // (A listener never serves without a roster, so this never opens data to anyone.)
      if (roster.genesis === null) return true
      if (proof.kind === 'member') {
        return roster.members.has(toHex(proof.key) as never) && verify(proof.signature, msg, proof.key)
      }
      const inv = roster.invites.get(toHex(proof.key) as OpId)
      if (!inv || !inviteOpen(inv) || inv.expires < (o.now ?? Date.now)()) return false
      return verify(proof.signature, msg, fromHex(inv.key, 32))
    },
  }
}
