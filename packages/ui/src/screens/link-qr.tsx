/** A link shown as a QR code (an invite, a device link), drawn in the page by `qrcode`. */
import { useEffect, useState } from 'react'
import { useTranslation } from 'react-i18next'
import QRCode from 'qrcode'

export function LinkQr({ link, alt, testid }: { link: string; alt: string; testid: string }): React.JSX.Element {
  const { t } = useTranslation()
  const [src, setSrc] = useState<string | null>(null)
  useEffect(() => {
    let live = true
    QRCode.toDataURL(link, { errorCorrectionLevel: 'M', margin: 2, width: 256 }).then((u) => {
      if (live) setSrc(u)
    }, () => setSrc(null))
    return () => {
      live = false
    }
  }, [link])
  return src ? <img className="qr" data-testid={testid} src={src} width={256} height={256} alt={alt} /> : <p>{t('common.loading')}</p>
}
