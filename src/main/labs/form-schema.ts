import { z } from 'zod'
import type { FormField, FormGroup, LabForm } from '../../shared/contract'

// A lab's parameter form is generated from its zod config schema, so the form, the CLI's --set
// and the validation that refuses a value all read one definition. zod's JSON Schema export
// carries the ranges, enums, defaults and the `.meta({ title, description, unit })` of each field;
// this file turns that into the flat list of groups and inputs the explorer renders.

/** The JSON Schema subset zod 4 emits for lab configs (input side, defaults applied). */
interface JsonSchema {
  type?: string | string[]
  properties?: Record<string, JsonSchema>
  items?: JsonSchema
  prefixItems?: JsonSchema[]
  anyOf?: JsonSchema[]
  enum?: unknown[]
  const?: unknown
  minimum?: number
  maximum?: number
  exclusiveMinimum?: number
  exclusiveMaximum?: number
  minItems?: number
  maxItems?: number
  title?: string
  description?: string
  unit?: string
}

/** zod writes `z.int()` bounds as ±(2^53 − 1): no bound a person would type. */
const isRealBound = (value: number | undefined): value is number => value !== undefined && Math.abs(value) < Number.MAX_SAFE_INTEGER

/** `max_dd_stop` → "max dd stop": the notebook's key, readable, never renamed. */
export function labelFromKey(key: string): string {
  return key.replace(/_/g, ' ')
}

function typesOf(schema: JsonSchema): string[] {
  if (Array.isArray(schema.type)) return schema.type
  if (schema.type) return [schema.type]
  if (schema.anyOf) return schema.anyOf.flatMap(typesOf)
  if (schema.const !== undefined) return [typeof schema.const]
  return []
}

/** The one non-null branch of `T | null` (zod writes it as a type list or an anyOf). */
function withoutNull(schema: JsonSchema): { schema: JsonSchema; nullable: boolean } {
  if (Array.isArray(schema.type) && schema.type.includes('null')) {
    const rest = schema.type.filter((t) => t !== 'null')
    return { schema: { ...schema, type: rest.length === 1 ? rest[0] : rest }, nullable: true }
  }
  if (schema.anyOf) {
    const branches = schema.anyOf.filter((b) => b.type !== 'null')
    if (branches.length === 1 && branches.length < schema.anyOf.length) return { schema: { ...schema, ...branches[0], anyOf: undefined }, nullable: true }
  }
  return { schema, nullable: false }
}

function formatRange(schema: JsonSchema): string {
  const low = isRealBound(schema.exclusiveMinimum) ? `(${schema.exclusiveMinimum}` : isRealBound(schema.minimum) ? `[${schema.minimum}` : null
  const high = isRealBound(schema.exclusiveMaximum) ? `${schema.exclusiveMaximum})` : isRealBound(schema.maximum) ? `${schema.maximum}]` : null
  if (low && high) return ` in ${low}, ${high}`
  if (low) return isRealBound(schema.exclusiveMinimum) ? ` > ${schema.exclusiveMinimum}` : ` ≥ ${schema.minimum}`
  if (high) return isRealBound(schema.exclusiveMaximum) ? ` < ${schema.exclusiveMaximum}` : ` ≤ ${schema.maximum}`
  return ''
}

/** Says in words what a list, matrix or tuple must look like: "list of 2–64 numbers > 0". */
export function describeShape(schema: JsonSchema): string {
  if (schema.prefixItems) return `list of exactly ${schema.prefixItems.length}: ${schema.prefixItems.map((i) => (i.const !== undefined ? JSON.stringify(i.const) : describeShape(i))).join(', ')}`
  if (schema.enum) return `one of ${schema.enum.map((v) => JSON.stringify(v)).join(', ')}`
  const types = typesOf(schema)
  if (types.includes('array') && schema.items) {
    const count =
      schema.minItems !== undefined && schema.minItems === schema.maxItems
        ? `${schema.minItems} `
        : schema.minItems !== undefined && schema.maxItems !== undefined
          ? `${schema.minItems}–${schema.maxItems} `
          : schema.minItems !== undefined
            ? `≥ ${schema.minItems} `
            : ''
    const inner = describeShape(schema.items)
    if (inner.startsWith('list')) return `list of ${count}rows, each a ${inner}`
    if (inner.startsWith('one of')) return `list of ${count}names, each ${inner}`
    return `list of ${count}${inner === 'text' ? 'names' : inner}`
  }
  if (types.includes('integer')) return `whole numbers${formatRange(schema)}`
  if (types.includes('number')) return `numbers${formatRange(schema)}`
  if (types.includes('string')) return 'text'
  if (types.includes('boolean')) return 'true/false'
  return 'a JSON value'
}

function leaf(path: string, group: string, key: string, raw: JsonSchema): FormField {
  const common = {
    path,
    group,
    label: raw.title ?? labelFromKey(key),
    ...(raw.description ? { description: raw.description } : {}),
    ...(raw.unit ? { unit: raw.unit } : {})
  }
  const { schema, nullable } = withoutNull(raw)
  const types = typesOf(schema)
  if (schema.enum && schema.enum.every((v) => typeof v === 'string')) return { kind: 'enum', ...common, options: schema.enum as string[] }
  if (types.length === 1 && (types[0] === 'number' || types[0] === 'integer')) {
    return {
      kind: 'number',
      ...common,
      integer: types[0] === 'integer',
      nullable,
      ...(isRealBound(schema.exclusiveMinimum) ? { minimum: schema.exclusiveMinimum } : isRealBound(schema.minimum) ? { minimum: schema.minimum } : {}),
      exclusiveMinimum: isRealBound(schema.exclusiveMinimum),
      ...(isRealBound(schema.exclusiveMaximum) ? { maximum: schema.exclusiveMaximum } : isRealBound(schema.maximum) ? { maximum: schema.maximum } : {}),
      exclusiveMaximum: isRealBound(schema.exclusiveMaximum)
    }
  }
  if (types.length === 1 && types[0] === 'boolean' && !nullable) return { kind: 'boolean', ...common }
  if (types.length === 1 && types[0] === 'string' && !nullable) return { kind: 'text', ...common }
  return { kind: 'json', ...common, shape: describeShape(raw) }
}

function walk(schema: JsonSchema, prefix: string, groups: FormGroup[], fields: FormField[]): void {
  for (const [key, child] of Object.entries(schema.properties ?? {})) {
    const path = prefix ? `${prefix}.${key}` : key
    if (child.properties) {
      groups.push({
        path,
        parent: prefix,
        label: child.title ?? labelFromKey(key),
        ...(child.description ? { description: child.description } : {})
      })
      walk(child, path, groups, fields)
    } else {
      fields.push(leaf(path, prefix, key, child))
    }
  }
}

/** The parameter form of a config schema: every leaf an input, every nested object a group. */
export function formFromSchema(schema: z.ZodType): LabForm {
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema
  const groups: FormGroup[] = []
  const fields: FormField[] = []
  walk(json, '', groups, fields)
  return { groups, fields }
}
