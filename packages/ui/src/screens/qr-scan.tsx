/**
 * Reading an invite's QR code (JOIN-QR-1): from a picture file or live from
 * the camera, decoded by jsQR (pure JavaScript: works in every browser and in
 * the desktop window, needs no `BarcodeDetector` — which Chromium on Linux
 * and Windows lacks — and no WebAssembly, which the CSP does not allow).
 * Nothing leaves the device: the picture is decoded in the page.
 */
import { useEffect, useId, useRef, useState } from 'react'
import { useTranslation } from 'react-i18next'
import jsQR from 'jsqr'

/** Largest side a picture is scaled to before decoding (a phone photo is 4000 px; a QR code needs far fewer). */
const MAX_SIDE = 1600

/** The text of the first QR code in an image, or null. */
export function decodeQr(image: ImageData): string | null {
  const code = jsQR(image.data, image.width, image.height, { inversionAttempts: 'attemptBoth' })
  return code ? code.data : null
}

function pixelsOf(source: CanvasImageSource, width: number, height: number, canvas: HTMLCanvasElement): ImageData {
  const scale = Math.min(1, MAX_SIDE / Math.max(width, height))
  canvas.width = Math.max(1, Math.round(width * scale))
  canvas.height = Math.max(1, Math.round(height * scale))
  const ctx = canvas.getContext('2d', { willReadFrequently: true }) as CanvasRenderingContext2D
  ctx.drawImage(source, 0, 0, canvas.width, canvas.height)
  return ctx.getImageData(0, 0, canvas.width, canvas.height)
}

/** Decode a picture file (PNG, JPEG, …); null when it holds no QR code, an error when it is not a picture. */
export async function decodeQrFile(file: Blob): Promise<string | null> {
  const bitmap = await createImageBitmap(file)
  try {
    return decodeQr(pixelsOf(bitmap, bitmap.width, bitmap.height, document.createElement('canvas')))
  } finally {
    bitmap.close()
  }
}

type CameraState = 'off' | 'starting' | 'on'

/** A picture input and a camera button; `onText` gets the decoded text of the first QR code found. */
export function QrScan({ onText, onError }: { onText: (text: string) => void; onError: (message: string | null) => void }): React.JSX.Element {
  const { t } = useTranslation()
  const fileId = useId()
  const video = useRef<HTMLVideoElement | null>(null)
  const [camera, setCamera] = useState<CameraState>('off')
  const stream = useRef<MediaStream | null>(null)
  const hasCamera = typeof navigator !== 'undefined' && typeof navigator.mediaDevices?.getUserMedia === 'function'

  const stop = (): void => {
    stream.current?.getTracks().forEach((tr) => tr.stop())
    stream.current = null
    setCamera('off')
  }
  useEffect(() => () => stream.current?.getTracks().forEach((tr) => tr.stop()), [])

  // While the camera is on: decode a frame every animation frame until a code is found.
  useEffect(() => {
    if (camera !== 'on' || !video.current) return
    const v = video.current
    const canvas = document.createElement('canvas')
    let raf = 0
    const tick = (): void => {
      if (v.readyState >= v.HAVE_CURRENT_DATA && v.videoWidth > 0) {
        const text = decodeQr(pixelsOf(v, v.videoWidth, v.videoHeight, canvas))
        if (text !== null) {
          stop()
          onText(text)
          return
        }
      }
      raf = requestAnimationFrame(tick)
    }
    raf = requestAnimationFrame(tick)
    return () => cancelAnimationFrame(raf)
  }, [camera, onText])

  const start = async (): Promise<void> => {
    onError(null)
    setCamera('starting')
    try {
      const s = await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' }, audio: false })
      stream.current = s
      if (video.current) {
        video.current.srcObject = s
        await video.current.play()
      }
      setCamera('on')
    } catch {
      stop()
      onError(t('join.noCamera'))
    }
  }

  const fromFile = async (f: File | undefined): Promise<void> => {
    if (!f) return
    onError(null)
    try {
      const text = await decodeQrFile(f)
      if (text === null) onError(t('join.noQr'))
      else onText(text)
    } catch {
      onError(t('join.notAPicture'))
    }
  }

  return (
    <div className="qr-scan" data-testid="qr-scan">
      <div className="field">
        <label htmlFor={fileId}>{t('join.scanImage')}</label>
        <input id={fileId} data-testid="qr-image" type="file" accept="image/*" onChange={(e) => void fromFile(e.target.files?.[0])} />
      </div>
      {hasCamera && (camera === 'off'
        ? <button type="button" className="secondary" data-testid="qr-camera" onClick={() => void start()}>{t('join.scanCamera')}</button>
        : <button type="button" className="secondary" data-testid="qr-camera-stop" onClick={stop}>{t('join.stopCamera')}</button>)}
      <video ref={video} className="qr-video" hidden={camera === 'off'} muted playsInline aria-label={t('join.cameraView')} />
    </div>
  )
}
