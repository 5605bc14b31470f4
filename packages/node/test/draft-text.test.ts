/**
 * CHARTER-E4: `setDraftText`, for callers without a Y.Doc (the CLI): the
 * node makes the draft read the given text as one edit by this device — one
 * deletion and one insertion around the common prefix and suffix — so a
 * concurrent edit elsewhere in the draft survives, a surrogate pair is never
 * cut in two, and a long text is spread over as many edits as CHARTER-Y7
 * needs. Bad input is refused and signs nothing.
 */
import { afterEach, describe, expect, it } from 'vitest'
import type { CommunityId } from '@polity/protocol'
import { InvalidInputError, NotAMemberError, type PolityNode } from '../src/index'
import { carry, withIdentity } from './helpers'

const open: PolityNode[] = []
afterEach(async () => {
  for (const n of open.splice(0)) await n.close()
})

async function founder(label: string): Promise<{ a: PolityNode; c: CommunityId }> {
  const a = (await withIdentity(label)).node
  open.push(a)
  return { a, c: await a.createCommunity({ name: 'Drafts', purpose: '', charter: '' }) }
}

const text = async (n: PolityNode, c: CommunityId): Promise<string> => (await n.getDraft({ community: c })).text

describe('PolityNode: setDraftText (CHARTER-E4)', () => {
  it('CHARTER-E4: the draft reads the new text after one signed edit; the same text again signs nothing', async () => {
    const { a, c } = await founder('set-text')
    await a.getDraft({ community: c }) // binds this device's Yjs client (CHARTER-B1)
    const before = a.replicaOf(c).size
    await a.setDraftText({ community: c, text: '# Drafts\n\nArticle 1. We meet on Mondays.\n' })
    expect(await text(a, c)).toBe('# Drafts\n\nArticle 1. We meet on Mondays.\n')
    expect(a.replicaOf(c).size).toBe(before + 1)
    await a.setDraftText({ community: c, text: '# Drafts\n\nArticle 1. We meet on Tuesdays.\n' })
    expect(await text(a, c)).toBe('# Drafts\n\nArticle 1. We meet on Tuesdays.\n')
    await a.setDraftText({ community: c, text: '# Drafts\n\nArticle 1. We meet on Tuesdays.\n' })
    expect(a.replicaOf(c).size).toBe(before + 2)
  })

  it('CHARTER-E4: two members replacing different lines at once both keep their change once their edits meet', async () => {
    const { a, c } = await founder('concurrent-a')
    const b = (await withIdentity('concurrent-b')).node
    open.push(b)
    await b.acceptInvite({ link: (await a.createInvite({ community: c })).link })
    await carry(a, b, c)
    await carry(b, a, c)
    await a.setDraftText({ community: c, text: 'Line one\nLine two\n' })
    await carry(a, b, c)
    // Neither has seen the other's change.
    await a.setDraftText({ community: c, text: 'Line ONE\nLine two\n' })
    await b.setDraftText({ community: c, text: 'Line one\nLine TWO\n' })
    await carry(a, b, c)
    await carry(b, a, c)
    expect(await text(a, c)).toBe('Line ONE\nLine TWO\n')
    expect(await text(b, c)).toBe('Line ONE\nLine TWO\n')
  })

  it('CHARTER-E4: a change inside a surrogate pair replaces the whole character (no lone halves reach the signed edit)', async () => {
    const { a, c } = await founder('surrogates')
    await a.setDraftText({ community: c, text: 'mood: \u{1F600} ok' })
    await a.setDraftText({ community: c, text: 'mood: \u{1F601} ok' }) // same high surrogate, different low one
    expect(await text(a, c)).toBe('mood: \u{1F601} ok')
    await a.setDraftText({ community: c, text: 'mood: \u{1F481} ok' }) // different high surrogate, same low one
    expect(await text(a, c)).toBe('mood: \u{1F481} ok')
  })

  it('CHARTER-E4/Y7: a text whose update exceeds one edit\'s 64 KiB is spread over several edits, intact', async () => {
    const { a, c } = await founder('long')
    await a.getDraft({ community: c })
    const before = a.replicaOf(c).size
    // 40,001 UTF-16 units, ~80 KB of UTF-8: more than one edit may carry; an odd start puts run ends inside pairs.
    const long = `a${'\u{1F600}'.repeat(20_000)}`
    await a.setDraftText({ community: c, text: long })
    expect(await text(a, c)).toBe(long)
    expect(a.replicaOf(c).size).toBeGreaterThan(before + 1)
  })

  it('CHARTER-E4: bad input is refused and signs nothing; a non-member cannot set the draft', async () => {
    const { a, c } = await founder('bad-text')
    await a.getDraft({ community: c })
    const before = a.replicaOf(c).size
    await expect(a.setDraftText({ community: c, text: 42 as never })).rejects.toThrow(InvalidInputError)
    await expect(a.setDraftText({ community: c, text: 'x'.repeat(65_537) })).rejects.toThrow(/at most 65536 characters/)
    expect(a.replicaOf(c).size).toBe(before)
    expect(await text(a, c)).toBe('')
    const stranger = (await withIdentity('stranger')).node
    open.push(stranger)
    await carry(a, stranger, c)
    await expect(stranger.setDraftText({ community: c, text: 'mine now' })).rejects.toThrow(NotAMemberError)
  })
})
