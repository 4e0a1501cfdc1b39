// The command palette's fuzzy filter: every query character must appear in order in the
// command's "group title" text; matches at word starts and in runs score higher, so "csr"
// finds "Compare selected runs" and "nr" finds every "New run of …" command.

export interface Searchable {
  title: string
  group: string
}

const isWordStart = (text: string, i: number): boolean => i === 0 || /[\s\-_.:/#(]/.test(text[i - 1]!)

/** A match score (higher is better), or null when the query is not a subsequence of the text. */
export function fuzzyScore(text: string, query: string): number | null {
  const hay = text.toLowerCase()
  const needle = query.toLowerCase().replace(/\s+/g, '')
  if (needle === '') return 0
  let score = 0
  let from = 0
  let previous = -2
  for (const ch of needle) {
    // Prefer the next occurrence at a word start; fall back to the next occurrence at all.
    let at = -1
    for (let i = hay.indexOf(ch, from); i !== -1; i = hay.indexOf(ch, i + 1)) {
      if (isWordStart(hay, i) || i === previous + 1) {
        at = i
        break
      }
    }
    if (at === -1) at = hay.indexOf(ch, from)
    if (at === -1) return null
    score += 1
    if (at === previous + 1) score += 3
    if (isWordStart(hay, at)) score += 5
    // A jump over many letters to reach a word start is worth about what the word start earns.
    score -= Math.min(10, at - from) * 0.6
    previous = at
    from = at + 1
  }
  // A query typed as one piece of the text beats the same letters scattered over several words.
  const whole = hay.indexOf(needle)
  if (whole !== -1) score += isWordStart(hay, whole) ? 15 : 10
  // Shorter texts win ties: "Runs" before "Cancel run #12" for "run".
  return score - hay.length * 0.01
}

/** Commands matching the query, best first; an empty query keeps the given order. */
export function filterCommands<C extends Searchable>(commands: readonly C[], query: string): C[] {
  if (query.trim() === '') return [...commands]
  const scored: Array<{ command: C; score: number; index: number }> = []
  commands.forEach((command, index) => {
    // The group ("View", "Run") only helps a query the title alone does not match.
    const score = fuzzyScore(command.title, query) ?? fuzzyScore(`${command.group} ${command.title}`, query)
    if (score !== null) scored.push({ command, score, index })
  })
  return scored.sort((a, b) => b.score - a.score || a.index - b.index).map((s) => s.command)
}
