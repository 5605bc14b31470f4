/**
 * Files in and out of the Relations screen: a drop zone (drag and drop, or
 * choose a file) and a download. Keyboard users get the file input.
 */
import { useId, useState } from 'react'

export function download(bytes: Uint8Array, name: string): void {
  const url = URL.createObjectURL(new Blob([bytes as BlobPart], { type: 'application/octet-stream' }))
  const a = document.createElement('a')
  a.href = url
  a.download = name
  a.click()
  URL.revokeObjectURL(url)
}

export function DropZone({ label, testid, onFile }: { label: string; testid: string; onFile: (bytes: Uint8Array) => void }): React.JSX.Element {
  const id = useId()
  const [over, setOver] = useState(false)
  const read = (f: File | undefined): void => {
    if (f) void f.arrayBuffer().then((b) => onFile(new Uint8Array(b)))
  }
  return (
    <div
      className={`dropzone${over ? ' over' : ''}`}
      data-testid={testid}
      onDragOver={(e) => {
        e.preventDefault()
        setOver(true)
      }}
      onDragLeave={() => setOver(false)}
      onDrop={(e) => {
        e.preventDefault()
        setOver(false)
        read(e.dataTransfer.files[0])
      }}
    >
      <label htmlFor={id}>{label}</label>
      <input id={id} type="file" data-testid={`${testid}-input`} onChange={(e) => read(e.target.files?.[0])} />
    </div>
  )
}
