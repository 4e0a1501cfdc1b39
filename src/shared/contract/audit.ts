import { z } from 'zod'
import { RunId, VerificationStatus } from './runs'

/** The first row where a stored decision log stops verifying, and what happened to it. */
export const ChainBreak = z.strictObject({
  /** 0-based position in the chain (steps, events and reviews in log order). */
  position: z.int(),
  kind: z.enum(['step', 'event', 'review']),
  /** Step number (steps), sequence number (events, reviews): what the row says about itself. */
  index: z.int(),
  /** The step the row belongs to (events: the step they happened at). */
  t: z.int(),
  problem: z.enum(['changed', 'deleted', 'inserted', 'reordered']),
  detail: z.string()
})
export type ChainBreak = z.infer<typeof ChainBreak>

export const ChainReport = z.strictObject({
  runId: z.int(),
  status: z.enum(['intact', 'broken', 'unchained']),
  /** Links checked and found good, before the first break (all of them when intact). */
  verified: z.int(),
  steps: z.int(),
  reviews: z.int(),
  head: z.string().nullable(),
  expectedHead: z.string().nullable(),
  firstBreak: ChainBreak.nullable()
})
export type ChainReport = z.infer<typeof ChainReport>

export const Review = z.strictObject({
  seq: z.int(),
  reviewer: z.string(),
  at: z.string(),
  verdict: z.enum(['sign-off', 'findings']),
  notes: z.string(),
  /** The chain head after this review. */
  link: z.string()
})
export type Review = z.infer<typeof Review>

export const RunAudit = z.strictObject({
  runId: z.int(),
  chain: ChainReport,
  reviews: z.array(Review),
  verificationStatus: VerificationStatus
})
export type RunAudit = z.infer<typeof RunAudit>

export const ReviewRequest = z.strictObject({
  runId: RunId,
  reviewer: z.string().trim().min(1, { error: 'must name the reviewer' }).max(120, { error: 'must be at most 120 characters' }),
  verdict: z.enum(['sign-off', 'findings'], { error: 'must be "sign-off" or "findings"' }),
  notes: z.string().max(20_000, { error: 'must be at most 20,000 characters' }).default('')
})

/** A replay's verdict: the step comparison, then the results hashes. */
export const ReplayReport = z.strictObject({
  runId: z.int(),
  identical: z.boolean(),
  stepsCompared: z.int(),
  storedSteps: z.int(),
  replayedSteps: z.int(),
  /** Where the replay first differs; `field` is a step record field (`equity`, `position[1]`, `cost:fee`), `event #k.message` or `resultsHash`. */
  firstDivergence: z.strictObject({ t: z.int(), field: z.string(), stored: z.string(), replayed: z.string() }).nullable(),
  storedResultsHash: z.string().nullable(),
  replayedResultsHash: z.string()
})
export type ReplayReport = z.infer<typeof ReplayReport>
