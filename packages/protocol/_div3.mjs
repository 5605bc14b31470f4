import * as Y from 'yjs'
import * as enc from 'lib0/encoding'
let s = 12345; const rnd = (n) => { s = (s * 1103515245 + 12345) & 0x7fffffff; return s % n }
function upd(client, clock, st) { const e = enc.createEncoder(); enc.writeVarUint(e,1); enc.writeVarUint(e,1); enc.writeVarUint(e,client); enc.writeVarUint(e,clock)
  enc.writeUint8(e, 4 | (st.o?0x80:0) | (st.r?0x40:0)); if (st.o) { enc.writeVarUint(e,st.o.client); enc.writeVarUint(e,st.o.clock) } if (st.r) { enc.writeVarUint(e,st.r.client); enc.writeVarUint(e,st.r.clock) } if (!st.o && !st.r) { enc.writeVarUint(e,1); enc.writeVarString(e,'draft') } enc.writeVarString(e,st.t)
  enc.writeVarUint(e,0); return enc.toUint8Array(e) }
function shuffle(a) { a = [...a]; for (let i = a.length-1; i>0; i--) { const j = rnd(i+1); [a[i],a[j]]=[a[j],a[i]] } return a }
let found = 0
for (let trial = 0; trial < 20000 && found < 3; trial++) {
  // base doc typed by clients 1,2 in a few steps
  const base = new Y.Doc(); base.clientID = 1
  const t = base.getText('draft')
  t.insert(0, 'abc')
  const b2 = new Y.Doc(); b2.clientID = 2; Y.applyUpdate(b2, Y.encodeStateAsUpdate(base)); b2.getText('draft').insert(1 + rnd(2), 'xy'); Y.applyUpdate(base, Y.encodeStateAsUpdate(b2))
  const seed = Y.encodeStateAsUpdate(base)
  // list items in order with ids
  const ids = []; let it = t._start; while (it) { for (let k = 0; k < it.length; k++) ids.push({ client: it.id.client, clock: it.id.clock + k }); it = it.right }
  // crafted W: L = ids[i], R = ids[j] with j > i + 1 (creation items between), or null ends
  const i = rnd(ids.length + 1) - 1, j = i + 2 + rnd(3)
  const W = upd(7, 0, { o: i >= 0 ? ids[i] : null, r: j < ids.length ? ids[j] : null, t: 'W' })
  // concurrent honest edits from docs 3 and 5 (and a follow-up of 3)
  const mk = (client) => { const d = new Y.Doc(); d.clientID = client; Y.applyUpdate(d, seed); const before = Y.encodeStateVector(d); const tt = d.getText('draft'); tt.insert(rnd(tt.length + 1), String.fromCharCode(65 + client)); if (rnd(2)) tt.insert(rnd(tt.length + 1), String.fromCharCode(97 + client)); return Y.encodeStateAsUpdate(d, before) }
  const ups = [W, mk(3), mk(5), mk(4)]
  const res = new Set()
  for (let p = 0; p < 12; p++) { const d = new Y.Doc(); Y.applyUpdate(d, seed); for (const u of shuffle(ups)) Y.applyUpdate(d, u); res.add(d.getText('draft').toString()) }
  if (res.size > 1) { found++; console.log('trial', trial, 'base', t.toString(), 'W', i, j, [...res]) }
}
console.log('found', found)
