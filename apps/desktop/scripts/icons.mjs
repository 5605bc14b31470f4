/**
 * Draws Polity's icon set from geometry (no image tools needed) into build/:
 * icon.png (1024 px), icons/NxN.png (Linux), icon.ico (Windows), icon.icns
 * (macOS), and the tray icons (tray.png, trayTemplate.png for the macOS menu
 * bar). The mark: members as dots around a shared centre, joined to it.
 *
 *   node apps/desktop/scripts/icons.mjs
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { deflateSync } from 'node:zlib'
import { fileURLToPath } from 'node:url'

const out = fileURLToPath(new URL('../build/', import.meta.url))

// ---- PNG encoding -----------------------------------------------------------------
const CRC = new Int32Array(256).map((_, n) => {
  let c = n
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
  return c
})
const crc32 = (buf) => {
  let c = -1
  for (const b of buf) c = CRC[(c ^ b) & 0xff] ^ (c >>> 8)
  return (c ^ -1) >>> 0
}
function chunk(type, data) {
  const head = Buffer.alloc(8)
  head.writeUInt32BE(data.length, 0)
  head.write(type, 4, 'latin1')
  const tail = Buffer.alloc(4)
  tail.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0)
  return Buffer.concat([head, data, tail])
}
function png(size, rgba) {
  const ihdr = Buffer.alloc(13)
  ihdr.writeUInt32BE(size, 0)
  ihdr.writeUInt32BE(size, 4)
  ihdr[8] = 8 // bit depth
  ihdr[9] = 6 // RGBA
  const raw = Buffer.alloc(size * (size * 4 + 1))
  for (let y = 0; y < size; y++) {
    raw[y * (size * 4 + 1)] = 0
    rgba.copy(raw, y * (size * 4 + 1) + 1, y * size * 4, (y + 1) * size * 4)
  }
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw, { level: 9 })), chunk('IEND', Buffer.alloc(0))])
}

// ---- the mark, in unit coordinates (0..1) --------------------------------------------
const MEMBERS = 7
const dots = Array.from({ length: MEMBERS }, (_, i) => {
  const a = -Math.PI / 2 + (i * 2 * Math.PI) / MEMBERS
  return [0.5 + 0.29 * Math.cos(a), 0.5 + 0.29 * Math.sin(a)]
})
function segmentDistance(px, py, [ax, ay], [bx, by]) {
  const dx = bx - ax
  const dy = by - ay
  const t = Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)))
  return Math.hypot(px - (ax + t * dx), py - (ay + t * dy))
}
/** Is (x, y) inside the mark? `bold` thickens it for tiny sizes. */
function inMark(x, y, bold) {
  const k = bold ? 1.5 : 1
  if (Math.hypot(x - 0.5, y - 0.5) < 0.085 * k) return true
  for (const d of dots) {
    if (Math.hypot(x - d[0], y - d[1]) < 0.062 * k) return true
    if (segmentDistance(x, y, [0.5, 0.5], d) < 0.016 * k) return true
  }
  return false
}
function inRoundedSquare(x, y) {
  const m = 0.06
  const r = 0.2
  const cx = Math.min(Math.max(x, m + r), 1 - m - r)
  const cy = Math.min(Math.max(y, m + r), 1 - m - r)
  return Math.hypot(x - cx, y - cy) <= r
}

/** Render with 4×4 supersampling. `paint(x, y)` returns [r, g, b, a] (0..255) or null. */
function render(size, paint) {
  const buf = Buffer.alloc(size * size * 4)
  const S = 4
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      let r = 0, g = 0, b = 0, a = 0
      for (let sy = 0; sy < S; sy++) {
        for (let sx = 0; sx < S; sx++) {
          const c = paint((px + (sx + 0.5) / S) / size, (py + (sy + 0.5) / S) / size)
          if (!c) continue
          const al = c[3] / 255
          r += c[0] * al; g += c[1] * al; b += c[2] * al; a += al
        }
      }
      const i = (py * size + px) * 4
      if (a > 0) {
        buf[i] = Math.round(r / a); buf[i + 1] = Math.round(g / a); buf[i + 2] = Math.round(b / a)
      }
      buf[i + 3] = Math.round((a / (S * S)) * 255)
    }
  }
  return buf
}

const appIcon = (size) => render(size, (x, y) => {
  if (!inRoundedSquare(x, y)) return null
  if (inMark(x, y, size <= 32)) return [255, 255, 255, 255]
  // Deep blue at the top to green at the bottom.
  const t = y
  return [Math.round(0x1f + (0x1e - 0x1f) * t), Math.round(0x4e + (0x8a - 0x4e) * t), Math.round(0x9a + (0x6a - 0x9a) * t), 255]
})
const trayIcon = (size, color) => render(size, (x, y) => (inMark((x - 0.5) * 0.82 + 0.5, (y - 0.5) * 0.82 + 0.5, true) ? [...color, 255] : null))

// ---- containers ---------------------------------------------------------------------
function ico(images) {
  const head = Buffer.alloc(6 + images.length * 16)
  head.writeUInt16LE(0, 0)
  head.writeUInt16LE(1, 2)
  head.writeUInt16LE(images.length, 4)
  let offset = head.length
  images.forEach(([size, data], i) => {
    const e = 6 + i * 16
    head[e] = size >= 256 ? 0 : size
    head[e + 1] = size >= 256 ? 0 : size
    head.writeUInt16LE(1, e + 4)
    head.writeUInt16LE(32, e + 6)
    head.writeUInt32LE(data.length, e + 8)
    head.writeUInt32LE(offset, e + 12)
    offset += data.length
  })
  return Buffer.concat([head, ...images.map(([, d]) => d)])
}
function icns(entries) {
  const parts = entries.map(([type, data]) => {
    const h = Buffer.alloc(8)
    h.write(type, 0, 'latin1')
    h.writeUInt32BE(data.length + 8, 4)
    return Buffer.concat([h, data])
  })
  const body = Buffer.concat(parts)
  const h = Buffer.alloc(8)
  h.write('icns', 0, 'latin1')
  h.writeUInt32BE(body.length + 8, 4)
  return Buffer.concat([h, body])
}

mkdirSync(`${out}icons`, { recursive: true })
const pngs = new Map()
for (const size of [16, 32, 48, 64, 128, 256, 512, 1024]) {
  pngs.set(size, png(size, appIcon(size)))
  writeFileSync(`${out}icons/${size}x${size}.png`, pngs.get(size))
}
writeFileSync(`${out}icon.png`, pngs.get(1024))
writeFileSync(`${out}icon.ico`, ico([16, 32, 48, 64, 128, 256].map((s) => [s, pngs.get(s)])))
writeFileSync(`${out}icon.icns`, icns([
  ['icp4', pngs.get(16)], ['icp5', pngs.get(32)], ['icp6', pngs.get(64)], ['ic07', pngs.get(128)], ['ic08', pngs.get(256)],
  ['ic09', pngs.get(512)], ['ic10', pngs.get(1024)], ['ic11', pngs.get(32)], ['ic12', pngs.get(64)], ['ic13', pngs.get(512)], ['ic14', pngs.get(1024)],
]))
writeFileSync(`${out}tray.png`, png(32, trayIcon(32, [0x2a, 0x7f, 0x62])))
writeFileSync(`${out}trayTemplate.png`, png(16, trayIcon(16, [0, 0, 0])))
writeFileSync(`${out}trayTemplate@2x.png`, png(32, trayIcon(32, [0, 0, 0])))
console.log(`icons written to ${out}`)
