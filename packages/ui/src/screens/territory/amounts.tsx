/** A campaign's amounts as text: money in its currency (exact), or a count of participants. */
import { useTranslation } from 'react-i18next'
import { formatInt } from './format'
import { formatMoney } from './money'
import type { CampaignGoal } from './types'

/** Formats a minor-unit string for this goal: money for an amount goal, a plain integer for a participants goal. */
export function useAmountText(goal: CampaignGoal): (minor: string) => string {
  const { i18n } = useTranslation()
  const lang = i18n.language
  return goal.kind === 'amount' ? (m) => formatMoney(m, goal.currency, lang) : (m) => formatInt(Number(m), lang)
}

export function goalMinor(goal: CampaignGoal): string {
  return goal.kind === 'amount' ? goal.amount : String(goal.count)
}
