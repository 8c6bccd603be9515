import { randomBytes } from 'node:crypto'
import type { WriteStream } from 'node:fs'
import { once } from 'node:events'
import { rm } from 'node:fs/promises'
import path from 'node:path'

/** Every temporary media file starts with this, so one can tell ours apart (and tests can find leftovers). */
export const TEMP_PREFIX = 'wa-media-'

/** A fresh, unused path in `dir` for one media file. */
export function tempPath (dir: string): string {
  return path.join(dir, `${TEMP_PREFIX}${randomBytes(12).toString('hex')}`)
}

/** Removes a temporary file; a file never created, or already gone, is fine. */
export async function removeTemp (file: string): Promise<void> {
  await rm(file, { force: true })
}

/**
 * Resolves once a file stream has closed its descriptor. A stream failed while still opening creates
 * its file after the failure is reported; removing the file before this would leave it behind.
 */
export async function closed (stream: WriteStream): Promise<void> {
  if (stream.closed) return
  stream.destroy()
  await once(stream, 'close')
}
