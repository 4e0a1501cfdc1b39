/**
 * The bounded selector's check of a model's reply, as every notebook of the book does it: JSON
 * only, an action from the allowed set, a short rationale (length and sentence count). A reply
 * that fails any check is not used; the step falls back to the rule baseline with the reason.
 */

import { FallbackReason } from '../../../shared/contract/agent'

export type { FallbackReason }
export const FALLBACK_REASONS: readonly FallbackReason[] = FallbackReason.options

export interface ReplyBounds {
  actions: readonly string[]
  maxRationaleChars: number
  /** The notebooks ask for "1–3 sentences". */
  maxSentences: number
  /** Ch.8's content guard: substrings (any case) a rationale must not contain. */
  bannedPhrases?: readonly string[]
  /** Ch.10 cuts an over-long rationale to the cap with "…" instead of rejecting the reply. */
  overLongRationale?: 'reject' | 'truncate'
}

export type ReplyCheck = { ok: true; action: string; rationale: string } | { ok: false; reason: FallbackReason; detail: string }

/** Parses and validates one raw reply; never throws. */
export function checkReply(raw: string, bounds: ReplyBounds): ReplyCheck {
  let parsed: unknown
  try {
    parsed = JSON.parse(raw)
  } catch (error) {
    return { ok: false, reason: 'invalid_json', detail: `not JSON: ${(error as Error).message}` }
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return { ok: false, reason: 'invalid_json', detail: 'not a JSON object' }
  const reply = parsed as Record<string, unknown>
  const extra = Object.keys(reply).filter((k) => k !== 'action' && k !== 'rationale')
  if (extra.length > 0) return { ok: false, reason: 'invalid_json', detail: `unexpected field ${extra.map((k) => JSON.stringify(k)).join(', ')}` }
  if (typeof reply.action !== 'string') return { ok: false, reason: 'invalid_json', detail: '"action" must be a string' }
  if (typeof reply.rationale !== 'string') return { ok: false, reason: 'invalid_json', detail: '"rationale" must be a string' }
  if (!bounds.actions.includes(reply.action)) return { ok: false, reason: 'action_not_allowed', detail: `"${clip(reply.action, 40)}" is not one of ${bounds.actions.join(', ')}` }
  let rationale = reply.rationale.trim()
  if (rationale.length === 0) return { ok: false, reason: 'rationale_empty', detail: 'the rationale is empty' }
  const banned = bannedPhraseIn(rationale, bounds.bannedPhrases ?? [])
  if (banned !== null) return { ok: false, reason: 'banned_phrase', detail: `the rationale contains the banned phrase ${JSON.stringify(banned)}` }
  if (characters(rationale) > bounds.maxRationaleChars && bounds.overLongRationale === 'truncate') rationale = truncateRationale(rationale, bounds.maxRationaleChars)
  const chars = characters(rationale)
  if (chars > bounds.maxRationaleChars) {
    return { ok: false, reason: 'rationale_too_long', detail: `the rationale has ${chars} characters (at most ${bounds.maxRationaleChars})` }
  }
  const sentences = countSentences(rationale)
  if (sentences > bounds.maxSentences) return { ok: false, reason: 'too_many_sentences', detail: `the rationale has ${sentences} sentences (at most ${bounds.maxSentences})` }
  return { ok: true, action: reply.action, rationale }
}

/** The first banned phrase the text contains, compared case-insensitively (ch.8's guard), or null. */
export function bannedPhraseIn(text: string, phrases: readonly string[]): string | null {
  const lower = text.toLowerCase()
  return phrases.find((p) => lower.includes(p.toLowerCase())) ?? null
}

/**
 * Characters as a reader and the reply schema's maxLength count them: code points, so "😀" is
 * one (JavaScript's length says two, and would reject a reply the grammar kept within its cap).
 */
export function characters(text: string): number {
  let n = 0
  for (const _ of text) n++
  return n
}

/** The first max − 1 characters (trailing spaces dropped) and "…": at most `max` long (book ch.10 §6.2). */
export function truncateRationale(text: string, max: number): string {
  return characters(text) <= max ? text : `${Array.from(text).slice(0, Math.max(0, max - 1)).join('').trimEnd()}…`
}

// Words whose trailing period does not end a sentence (lower case, without the period).
const ABBREVIATIONS = new Set(['e.g', 'i.e', 'etc', 'vs', 'approx', 'incl', 'cf', 'est', 'no', 'max', 'min', 'avg', 'mr', 'ms', 'dr', 'jr', 'sr', 'st', 'u.s', 'u.k', 'e.u'])

/**
 * Sentences in a text: a run of ".", "!" or "?" ends one when followed by a space or the end,
 * unless it is a decimal point ("1.25", ".5"), an abbreviation ("e.g.", "vs."), an initial
 * ("J. Smith") or a pause a lower-case word follows ("flow... step aside"). A text without a terminator is one sentence.
 */
export function countSentences(text: string): number {
  const s = text.trim()
  if (s.length === 0) return 0
  let count = 0
  let i = 0
  while (i < s.length) {
    const c = s[i]!
    if (c !== '.' && c !== '!' && c !== '?') {
      i++
      continue
    }
    let j = i
    while (j < s.length && (s[j] === '.' || s[j] === '!' || s[j] === '?' || s[j] === '"' || s[j] === "'" || s[j] === ')')) j++
    const atEnd = j >= s.length
    const spaced = !atEnd && /\s/.test(s[j]!)
    // At the end of the text a terminator always ends; inside it, one that a lower-case word
    // follows ("flow... step aside") does not, nor a period that belongs to its word.
    if (atEnd) count++
    else if (spaced && !/^\s+[a-z]/.test(s.slice(j, j + 8)) && !(c === '.' && j === i + 1 && notAnEnd(s, i))) count++
    i = j
  }
  // Text after the last terminator is a sentence of its own.
  if (!/[.!?]["')]*$/.test(s)) count++
  return count
}

/** Whether the single period at `dot` belongs to the word before it (abbreviation, initial). */
function notAnEnd(s: string, dot: number): boolean {
  let start = dot
  while (start > 0 && !/\s/.test(s[start - 1]!)) start--
  const word = s.slice(start, dot).replace(/^[("']+/, '')
  if (word.length === 0) return false
  if (ABBREVIATIONS.has(word.toLowerCase())) return true
  // A single capital letter is an initial ("J. Smith"); a lone number before the space ends a sentence.
  return /^[A-Z]$/.test(word)
}

function clip(text: string, n: number): string {
  return text.length <= n ? text : `${text.slice(0, n - 1)}…`
}
