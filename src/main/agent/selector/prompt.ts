import type { AnyLabAgent, ContextValue, SelectorSettings } from './lab-agent'

/**
 * The question the selector puts to the model, in the workstation's words: a system message
 * that fixes the agent's role and its limits, and a user message with the step's context and
 * the allowed actions. Built from the lab's agent context only; the same step gives the same
 * text, so a recorded reply is matched to its question exactly on replay.
 */
export function systemMessage(agent: AnyLabAgent): string {
  return [
    `You choose the next action of a trading book in a simulated market (${agent.labId}). ${agent.brief}`,
    'You only pick one of the listed actions; sizing, limits, costs and the risk gate are applied after you, and you cannot change them, the code or any setting.',
    'Reply with a single JSON object and nothing else.'
  ].join('\n')
}

export function userMessage(agent: AnyLabAgent, context: Record<string, ContextValue>, settings: SelectorSettings): string {
  const actions = Object.entries(agent.actions as Record<string, string>)
    .map(([name, meaning]) => `- ${name}: ${meaning}`)
    .join('\n')
  return [
    'State of the market and of the book at this step:',
    JSON.stringify(context),
    'Allowed actions:',
    actions,
    `Answer as {"action": "<one allowed action>", "rationale": "<why, in at most ${settings.maxSentences} sentences and ${settings.maxRationaleChars} characters, naming the mechanism and the execution cost>"}.`
  ].join('\n')
}

/** The sampling seed of one call: the run's seed and the step mixed (32-bit), so temperature > 0 repeats too. */
export function callSeed(runSeed: number, t: number): number {
  let h = (runSeed ^ 0x9e3779b9) >>> 0
  h = Math.imul(h ^ t, 0x85ebca6b) >>> 0
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0
  return (h ^ (h >>> 16)) >>> 0
}
