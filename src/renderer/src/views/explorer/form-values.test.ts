import { describe, expect, it } from 'vitest'
import type { FormField } from '../../../../shared/contract'
import { formatValue, parseInput, placeIssues, rangeText, readDraft, valueAt } from './form-values'

const leverage: FormField = { kind: 'number', path: 'risk_params.max_leverage', group: 'risk_params', label: 'max leverage', integer: false, nullable: false, minimum: 0, exclusiveMinimum: true, exclusiveMaximum: false }
const budget: FormField = { kind: 'number', path: 'policy_params.step_budget', group: 'policy_params', label: 'step budget', integer: true, nullable: true, minimum: 1, exclusiveMinimum: false, exclusiveMaximum: false }
const matrix: FormField = { kind: 'json', path: 'regimes.P', group: 'regimes', label: 'P', shape: 'list of rows, each a list of numbers in [0, 1]' }
const flag: FormField = { kind: 'boolean', path: 'policy_params.enable_llm', group: 'policy_params', label: 'enable llm' }
const mode: FormField = { kind: 'enum', path: 'corrections.spread_sign', group: 'corrections', label: 'spread sign', options: ['notebook', 'long_protection'] }
const fields = [leverage, budget, matrix, flag, mode]
const base = {
  risk_params: { max_leverage: 2 },
  policy_params: { step_budget: null, enable_llm: false },
  regimes: { P: [[0.9, 0.1], [0.2, 0.8]] },
  corrections: { spread_sign: 'notebook' }
}

describe('explorer form values', () => {
  it('shows config values as input text', () => {
    expect(formatValue(leverage, valueAt(base, leverage.path))).toBe('2')
    expect(formatValue(budget, null)).toBe('')
    expect(formatValue(matrix, valueAt(base, matrix.path))).toBe('[[0.9,0.1],[0.2,0.8]]')
  })

  it('reads typed text, refusing only what is not a number or not JSON', () => {
    expect(parseInput(leverage, ' 1.5 ')).toEqual({ ok: true, value: 1.5 })
    expect(parseInput(leverage, '-1')).toEqual({ ok: true, value: -1 })
    expect(parseInput(leverage, 'abc')).toEqual({ ok: false, message: 'must be a number (got "abc")' })
    expect(parseInput(leverage, '')).toEqual({ ok: false, message: 'must be a number' })
    expect(parseInput(budget, '')).toEqual({ ok: true, value: null })
    expect(parseInput(matrix, '[[1,0],[0,1]]')).toEqual({ ok: true, value: [[1, 0], [0, 1]] })
    expect(parseInput(matrix, '[[1,0')).toMatchObject({ ok: false })
    expect(parseInput(flag, 'true')).toEqual({ ok: true, value: true })
  })

  it('sends only the edits that differ from the preset as overrides', () => {
    const outcome = readDraft(fields, base, {
      'risk_params.max_leverage': '2.0', // same value as the preset: not an override
      'policy_params.step_budget': '300',
      'regimes.P': '[[0.9, 0.1], [0.2, 0.8]]',
      'corrections.spread_sign': 'long_protection',
      'policy_params.enable_llm': 'true'
    })
    expect(outcome.overrides).toEqual({ 'policy_params.step_budget': 300, 'corrections.spread_sign': 'long_protection', 'policy_params.enable_llm': true })
    expect(outcome.unreadable).toEqual({})
    expect(readDraft(fields, base, { 'risk_params.max_leverage': 'x' }).unreadable).toEqual({ 'risk_params.max_leverage': 'must be a number (got "x")' })
  })

  it('places engine issues next to their input, matrix rows included, and keeps the rest apart', () => {
    const placed = placeIssues(fields, [
      { path: 'spec.overrides.risk_params.max_leverage', message: 'must be > 0 (got -1)' },
      { path: 'spec.overrides.regimes.P.1', message: 'row 1 must sum to 1 (got 0.9)' },
      { path: 'spec.seed', message: 'must be ≥ 0 (got -3)' },
      { path: 'spec.overrides.T', message: 'must be ≥ 2' }
    ])
    expect(placed.byField).toEqual({
      'risk_params.max_leverage': ['must be > 0 (got -1)'],
      'regimes.P': ['1: row 1 must sum to 1 (got 0.9)'],
      seed: ['must be ≥ 0 (got -3)']
    })
    expect(placed.other).toEqual([{ path: 'spec.overrides.T', message: 'must be ≥ 2' }])
  })

  it('states the accepted range from the schema', () => {
    expect(rangeText(leverage)).toBe('number > 0')
    expect(rangeText(budget)).toBe('whole number ≥ 1 or empty for none')
    expect(rangeText({ ...leverage, maximum: 1 })).toBe('number in (0, 1]')
    expect(rangeText(matrix)).toBe('list of rows, each a list of numbers in [0, 1]')
  })
})
