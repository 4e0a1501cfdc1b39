import { describe, expect, it } from 'vitest'
import { checkReply, countSentences } from './validate'

const bounds = { actions: ['FLAT', 'LONG', 'SHORT'], maxRationaleChars: 80, maxSentences: 3 }

describe('checkReply', () => {
  it('accepts a JSON object with an allowed action and a short rationale (trimmed)', () => {
    expect(checkReply('{"action":"LONG","rationale":"  Carry is positive. Costs are low.  "}', bounds)).toEqual({ ok: true, action: 'LONG', rationale: 'Carry is positive. Costs are low.' })
  })

  it.each([
    ['prose around the JSON', 'Sure! {"action":"LONG","rationale":"x."}', 'invalid_json'],
    ['a code fence', '```json\n{"action":"LONG","rationale":"x."}\n```', 'invalid_json'],
    ['an array', '[{"action":"LONG","rationale":"x."}]', 'invalid_json'],
    ['null', 'null', 'invalid_json'],
    ['an extra field', '{"action":"LONG","rationale":"x.","size":2}', 'invalid_json'],
    ['a missing rationale', '{"action":"LONG"}', 'invalid_json'],
    ['a numeric action', '{"action":1,"rationale":"x."}', 'invalid_json'],
    ['an action outside the set', '{"action":"BUY_EVERYTHING","rationale":"x."}', 'action_not_allowed'],
    ['an action in the wrong case', '{"action":"long","rationale":"x."}', 'action_not_allowed'],
    ['an empty rationale', '{"action":"LONG","rationale":"   "}', 'rationale_empty'],
    ['a rationale over the cap', JSON.stringify({ action: 'LONG', rationale: 'a'.repeat(81) }), 'rationale_too_long'],
    ['four sentences', '{"action":"LONG","rationale":"One. Two. Three. Four."}', 'too_many_sentences']
  ])('rejects %s', (_: string, raw: string, reason: string) => {
    const check = checkReply(raw, bounds)
    expect(check.ok).toBe(false)
    if (!check.ok) expect(check.reason).toBe(reason)
  })

  it('counts characters as code points, like the reply schema\'s maxLength: an emoji is one', () => {
    const emoji = (n: number) => JSON.stringify({ action: 'LONG', rationale: '\u{1F600}'.repeat(n) })
    expect(checkReply(emoji(80), bounds)).toMatchObject({ ok: true })
    expect(checkReply(emoji(81), bounds)).toMatchObject({ ok: false, reason: 'rationale_too_long', detail: 'the rationale has 81 characters (at most 80)' })
  })

  it('counts the cap on the trimmed rationale, at the boundary exactly', () => {
    expect(checkReply(JSON.stringify({ action: 'FLAT', rationale: ` ${'a'.repeat(80)} ` }), bounds).ok).toBe(true)
  })
})

describe('countSentences', () => {
  it.each([
    ['', 0],
    ['No terminator at all', 1],
    ['One sentence.', 1],
    ['Carry is 1.25% against a 0.75 cost. Stay long.', 2],
    ['Spread at .5 bps.', 1],
    ['Vol is high, e.g. 35 vs. 20 normally. Go flat.', 2],
    ['Per J. Smith the curve is steep. Steepen!', 2],
    ['Really?! Yes. No', 3],
    ['Costs are high (approx. 3 bps). Hold.', 2],
    ['The U.S. curve inverted. Flatten.', 2],
    ['Toxic flow... step aside.', 1],
    ['"Quoted." Then more.', 2]
  ])('%j has %i', (text: string, n: number) => {
    expect(countSentences(text)).toBe(n)
  })
})
