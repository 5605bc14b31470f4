/**
 * Identicons beside member names and emblems for communities, drawn by
 * jdenticon from the member's or community's key: the same key gives the same
 * picture on every device. Shown as an <img> from a data: URL (no markup is
 * injected into the page); decorative, since the name beside it says who.
 */
import { useMemo } from 'react'
import { toSvg } from 'jdenticon'

const dataUrl = (svg: string): string => `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`

export function Identicon({ value, size = 20 }: { value: string; size?: number }): React.JSX.Element {
  const src = useMemo(() => dataUrl(toSvg(value, size, { padding: 0.08 })), [value, size])
  return <img className="identicon" src={src} width={size} height={size} alt="" aria-hidden="true" data-testid="identicon" />
}

/** A community's emblem: its id drawn on a tinted square, larger and framed unlike a member's identicon. */
export function Emblem({ id, size = 32 }: { id: string; size?: number }): React.JSX.Element {
  const src = useMemo(() => dataUrl(toSvg(`community:${id}`, size, { padding: 0.14, backColor: '#eef2f7', saturation: { color: 0.7, grayscale: 0.3 } })), [id, size])
  return <img className="emblem" src={src} width={size} height={size} alt="" aria-hidden="true" data-testid="emblem" />
}
