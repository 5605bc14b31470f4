/**
 * The ledger: who pledged what, what was received for it and the receipts a
 * treasurer recorded (visible to members), with CSV and JSON export through
 * the node (exportLedger), and the form a treasurer records a receipt with.
 */
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import type { CommunityId } from '@polity/api'
import { messageOf } from '../../api-context'
import { ErrorText, Field } from '../widgets'
import { download, useTerritoryApi } from './api'
import { useAmountText } from './amounts'
import { SelectField } from './fields'
import { formatDate } from './format'
import { parseMoney, sumMinor } from './money'
import { displayName } from '../common'
import type { CampaignDetail, ReceiptStatus } from './types'

const RECEIPTS: readonly ReceiptStatus[] = ['fulfilled', 'partial', 'refunded']

export function Ledger({ community, c }: { community: CommunityId; c: CampaignDetail }): React.JSX.Element {
  const api = useTerritoryApi()
  const { t, i18n } = useTranslation()
  const text = useAmountText(c.goal)
  const [error, setError] = useState<string | null>(null)
  const nameOf = (id: string): string => displayName(c.ledger.find((r) => r.member === id)?.name ?? null, id)
  const exportAs = async (format: 'csv' | 'json'): Promise<void> => {
    setError(null)
    try {
      const body = await api.exportLedger({ community, campaign: c.id, format })
      const safe = c.title.replace(/[^\p{L}\p{N}]+/gu, '-').replace(/^-|-$/g, '') || 'campaign'
      download(`${safe}-ledger.${format}`, body, format === 'csv' ? 'text/csv' : 'application/json')
    } catch (e) {
      setError(messageOf(e))
    }
  }
  return (
    <section data-testid="ledger-section">
      <h3>{t('ledger.title')}</h3>
      {c.ledger.length === 0 ? <p className="muted">{t('ledger.empty')}</p> : (
        <div className="table-wrap">
          <table className="data-table" data-testid="ledger">
            <thead><tr><th scope="col">{t('ledger.member')}</th><th scope="col">{t('ledger.pledge')}</th><th scope="col">{t('ledger.received')}</th><th scope="col">{t('ledger.receipts')}</th></tr></thead>
            <tbody>
              {c.ledger.map((r) => (
                <tr key={r.member} data-testid="ledger-row" data-member={r.member} data-amount={r.amount} data-received={r.received}>
                  <th scope="row"><bdi>{displayName(r.name, r.member)}</bdi></th>
                  <td className="num">{r.amount === '0' ? t('ledger.withdrawn') : text(r.amount)}</td>
                  <td className="num">{text(r.received)}</td>
                  <td>{r.receipts.length === 0 ? '—' : (
                    <ul className="docs">{r.receipts.map((x, i) => <li key={i}>{t(`receipt.status.${x.status}`)} · {text(x.amount)} · <bdi>{nameOf(x.by)}</bdi> · {formatDate(x.at, i18n.language)}</li>)}</ul>
                  )}</td>
                </tr>
              ))}
            </tbody>
            <tfoot>
              <tr><th scope="row">{t('ledger.total')}</th><td className="num" data-testid="ledger-total">{text(sumMinor(c.ledger.map((r) => r.amount)))}</td><td className="num" data-testid="ledger-received">{text(sumMinor(c.ledger.map((r) => r.received)))}</td><td /></tr>
            </tfoot>
          </table>
        </div>
      )}
      <div className="row">
        <button type="button" className="secondary" data-testid="export-csv" onClick={() => void exportAs('csv')}>{t('ledger.exportCsv')}</button>
        <button type="button" className="secondary" data-testid="export-json" onClick={() => void exportAs('json')}>{t('ledger.exportJson')}</button>
      </div>
      <ErrorText error={error} />
    </section>
  )
}

export function ReceiptForm({ community, c, onDone }: { community: CommunityId; c: CampaignDetail; onDone: () => void }): React.JSX.Element | null {
  const api = useTerritoryApi()
  const { t } = useTranslation()
  const rows = c.ledger.filter((r) => r.amount !== '0' || r.receipts.length > 0)
  const [member, setMember] = useState<string>('')
  const [status, setStatus] = useState<ReceiptStatus>('fulfilled')
  const [amount, setAmount] = useState('')
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  if (rows.length === 0) return null
  const who = rows.some((r) => r.member === member) ? member : (rows[0]?.member ?? '')
  const submit = async (e: React.FormEvent): Promise<void> => {
    e.preventDefault()
    const minor = c.goal.kind === 'amount' ? parseMoney(amount, c.goal.currency) : /^\d+$/.test(amount.trim()) ? amount.trim() : null
    if (minor === null) return setError(t('receipt.badAmount'))
    setBusy(true)
    setError(null)
    try {
      await api.recordReceipt({ community, campaign: c.id, member: who, status, amount: minor })
      setAmount('')
      onDone()
    } catch (err) {
      setError(messageOf(err))
    } finally {
      setBusy(false)
    }
  }
  return (
    <form className="card inner" data-testid="receipt-form" onSubmit={(e) => void submit(e)} noValidate>
      <h3>{t('receipt.title')}</h3>
      <p className="muted small">{t('receipt.note')}</p>
      <div className="grid">
        <SelectField label={t('receipt.member')} value={who} options={rows.map((r) => r.member)} text={(m) => displayName(rows.find((r) => r.member === m)?.name ?? null, m)} onChange={setMember} testid="receipt-member" />
        <SelectField label={t('receipt.statusLabel')} value={status} options={RECEIPTS} text={(s) => t(`receipt.status.${s}`)} onChange={setStatus} testid="receipt-status" />
        <Field label={c.goal.kind === 'amount' ? t('receipt.amount', { currency: c.goal.currency }) : t('receipt.amountPlain')} value={amount} onChange={setAmount} testid="receipt-amount" />
      </div>
      <ErrorText error={error} />
      <button type="submit" data-testid="record-receipt" disabled={busy}>{t('receipt.record')}</button>
    </form>
  )
}
