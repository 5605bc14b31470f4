/** A campaign's progress: pledged of the goal (exact, in text) and a bar; for a participants goal, pledgers of the count. */
import { useId } from 'react'
import { useTranslation } from 'react-i18next'
import { goalMinor, useAmountText } from './amounts'
import { formatInt } from './format'
import { permille } from './money'
import type { CampaignSummary } from './types'

export function CampaignProgress({ c }: { c: CampaignSummary }): React.JSX.Element {
  const { t, i18n } = useTranslation()
  const id = useId()
  const text = useAmountText(c.goal)
  const participants = c.goal.kind === 'participants'
  const done = participants ? String(c.pledgers) : c.pledged
  const goal = goalMinor(c.goal)
  const pm = permille(done, goal)
  const percent = new Intl.NumberFormat(i18n.language, { style: 'percent', maximumFractionDigits: 1 }).format(pm / 1000)
  return (
    <div className="field progress" data-testid="campaign-progress" data-pledged={c.pledged} data-pledgers={c.pledgers} data-goal={goal}>
      <label htmlFor={id}>
        {participants
          ? t('campaign.progressParticipants', { pledgers: formatInt(c.pledgers, i18n.language), goal: formatInt(Number(goal), i18n.language), percent })
          : t('campaign.progressAmount', { pledged: text(c.pledged), goal: text(goal), pledgers: formatInt(c.pledgers, i18n.language), percent })}
      </label>
      <progress id={id} max={1000} value={pm} />
    </div>
  )
}
