import { z } from 'zod'

/** Peels optional/nullable/default wrappers to the schema of the value itself. */
function inner (schema: z.ZodType): z.ZodType {
  let s = schema
  while (s instanceof z.ZodOptional || s instanceof z.ZodNullable || s instanceof z.ZodDefault) s = s.unwrap() as z.ZodType
  return s
}

function coerce (schema: z.ZodType, value: string): unknown {
  const s = inner(schema)
  if (s instanceof z.ZodBoolean) {
    if (/^(true|1|on)$/i.test(value)) return true
    if (/^(false|0|off|)$/i.test(value)) return false
    return value
  }
  if (s instanceof z.ZodNumber) return value.trim() !== '' && Number.isFinite(Number(value)) ? Number(value) : value
  if (s instanceof z.ZodObject || s instanceof z.ZodArray || s instanceof z.ZodRecord) {
    try {
      return JSON.parse(value)
    } catch {
      return value // left as text, so validation names the field
    }
  }
  return value
}

/**
 * Form fields are all text; a multipart request means the same as its JSON twin, so booleans,
 * numbers and objects (`ContextInfo` as JSON text) are read as the route's schema declares them.
 * Keys match case-insensitively, as in JSON bodies.
 */
export function coerceFormFields (schema: z.ZodType, fields: Record<string, string>): Record<string, unknown> {
  const s = inner(schema)
  if (!(s instanceof z.ZodObject)) return fields
  const shape = s.shape as Record<string, z.ZodType>
  const byLower = new Map(Object.entries(shape).map(([name, field]) => [name.toLowerCase(), field]))
  const out: Record<string, unknown> = {}
  for (const [name, value] of Object.entries(fields)) {
    const field = byLower.get(name.toLowerCase())
    out[name] = field === undefined ? value : coerce(field, value)
  }
  return out
}
