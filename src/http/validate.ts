import { z } from 'zod'
import { ValidationError } from '../errors.js'

type AnySchema = z.ZodType

/** Peels optional/nullable/default/pipe wrappers to reach the schema that describes the value's shape. */
function core (schema: AnySchema): AnySchema {
  let s: AnySchema = schema
  for (;;) {
    if (s instanceof z.ZodOptional || s instanceof z.ZodNullable || s instanceof z.ZodDefault) s = s.unwrap() as AnySchema
    else if (s instanceof z.ZodPipe) s = s.in as AnySchema
    else return s
  }
}

function isPlainObject (value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/**
 * Renames the keys of `value` to the spellings the schema declares, matching case-insensitively as
 * Go's encoding/json (and so wuzapi) does: an exact match wins, else the first case-folded match.
 * Unknown keys are dropped. Nested objects and arrays of objects are handled too.
 */
export function normalizeKeys (schema: AnySchema, value: unknown): unknown {
  const s = core(schema)
  if (s instanceof z.ZodArray && Array.isArray(value)) return value.map(v => normalizeKeys(s.element as AnySchema, v))
  if (!(s instanceof z.ZodObject) || !isPlainObject(value)) return value
  const shape = s.shape as Record<string, AnySchema>
  const byLower = new Map<string, string>()
  for (const key of Object.keys(value)) if (!byLower.has(key.toLowerCase())) byLower.set(key.toLowerCase(), key)
  const out: Record<string, unknown> = {}
  for (const [name, fieldSchema] of Object.entries(shape)) {
    const source = Object.hasOwn(value, name) ? name : byLower.get(name.toLowerCase())
    if (source !== undefined) out[name] = normalizeKeys(fieldSchema, value[source])
  }
  return out
}

function valueAt (root: unknown, path: ReadonlyArray<PropertyKey>): unknown {
  let v = root
  for (const key of path) {
    if (typeof v !== 'object' || v === null) return undefined
    v = (v as Record<PropertyKey, unknown>)[key]
  }
  return v
}

/**
 * A union (e.g. events as a CSV or a list) reports only "Invalid input"; when one branch accepted the
 * value's type, its own issue (too long, too many entries) is the one that says what to fix.
 */
function specific (issue: z.core.$ZodIssue): z.core.$ZodIssue {
  if (issue.code !== 'invalid_union') return issue
  for (const branch of issue.errors) {
    const first = branch[0]
    if (first !== undefined && !(first.code === 'invalid_type' && first.path.length === 0)) {
      return specific({ ...first, path: [...issue.path, ...first.path] })
    }
  }
  return issue
}

function describe (issue: z.core.$ZodIssue, input: unknown): string {
  const field = issue.path.map(String).join('.')
  if (field === '') return issue.code === 'invalid_type' ? 'could not decode Payload: expected a JSON object' : issue.message
  if (issue.code === 'invalid_type' && valueAt(input, issue.path) === undefined) return `missing ${field} in Payload`
  const detail = issue.message.replace(/^Invalid input: /, '')
  return `invalid ${field}: ${detail}`
}

/**
 * Validates a request body (or query) against a schema after case-insensitive key matching.
 * Returns the typed value, or throws a 400 whose message names the first offending field.
 */
export function parseInput<S extends AnySchema> (schema: S, input: unknown): z.output<S> {
  const normalized = normalizeKeys(schema, input ?? {})
  const result = schema.safeParse(normalized)
  if (result.success) return result.data
  const issue = result.error.issues[0]
  throw new ValidationError(issue === undefined ? 'invalid Payload' : describe(specific(issue), normalized))
}
