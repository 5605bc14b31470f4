/**
 * A place or a status change by decision (PLACE-7..10): a yes/no proposal at
 * the floor the rules set for its decision class (GOV-1; resolution), for
 * the member whose role does not let them act directly. The rules come from
 * the charter view, as in the new-proposal form.
 */
import type { CommunityId, OpId, PolityApi, ProposalActionInput } from '@polity/api'
import { floorOf } from '../rules-form'

export type PlaceAction = Extract<ProposalActionInput, { type: 'place' | 'placeStatus' }>

export async function proposePlaceAction(api: PolityApi, community: CommunityId, title: string, action: PlaceAction): Promise<OpId> {
  const { rules } = await api.charterView({ community })
  const floor = floorOf(rules, action.type)
  return api.createProposal({ community, title, text: '', action, method: { type: 'yesno', quorum: [...floor.quorum], threshold: [...floor.threshold] }, deadlineInHours: floor.hours })
}
