/** LETTER-*: the export button on a passed recognize (or unrecognize) proposal. */
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import type { CommunityId, OpId } from '@polity/api'
import { messageOf, useApi } from '../../api-context'
import { ErrorText } from '../widgets'
import { download } from './files'

export function ExportLetter({ id, proposal }: { id: CommunityId; proposal: OpId }): React.JSX.Element {
  const api = useApi()
  const { t } = useTranslation()
  const [error, setError] = useState<string | null>(null)
  return (
    <div>
      <button type="button" data-testid="export-letter" onClick={() => void api.exportLetter({ community: id, proposal }).then((b) => download(b, 'recognition.polity-letter'), (e: unknown) => setError(messageOf(e)))}>{t('relations.exportLetter')}</button>
      <p className="muted">{t('relations.exportHelp')}</p>
      <ErrorText error={error} />
    </div>
  )
}
