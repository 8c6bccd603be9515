import { BufferJSON } from '@whiskeysockets/baileys'
import { mkdirSync, readFileSync, renameSync, writeFileSync, existsSync, fsyncSync, openSync, closeSync } from 'node:fs'
import { join } from 'node:path'
import { createHash } from 'node:crypto'
import { emptyWorld } from './state.js'
import type { WorldState } from './state.js'

/** Where the sandbox keeps its world and media blobs. */
export interface SandboxStore {
  /** Loads the persisted world, or a fresh one. */
  load(): WorldState;
  /** Persists the whole world (called after mutations). */
  save(world: WorldState): void;
  putBlob(path: string, data: Buffer): void;
  getBlob(path: string): Buffer | undefined;
}

/** Keeps everything in memory (tests). */
export class MemoryStore implements SandboxStore {
  private readonly blobs = new Map<string, Buffer>()
  private snapshot?: string

  load (): WorldState {
    return this.snapshot ? (JSON.parse(this.snapshot, BufferJSON.reviver) as WorldState) : emptyWorld()
  }

  save (world: WorldState): void {
    this.snapshot = JSON.stringify(world, BufferJSON.replacer)
  }

  putBlob (path: string, data: Buffer): void {
    this.blobs.set(path, data)
  }

  getBlob (path: string): Buffer | undefined {
    return this.blobs.get(path)
  }
}

const writeAtomic = (file: string, data: string | Buffer): void => {
  const tmp = `${file}.${process.pid}.tmp`
  writeFileSync(tmp, data)
  const fd = openSync(tmp, 'r')
  try {
    fsyncSync(fd)
  } finally {
    closeSync(fd)
  }
  renameSync(tmp, file)
}

/** Persists the world as `world.json` and media blobs as files in a data folder. */
export class DirStore implements SandboxStore {
  private readonly mediaDir: string

  constructor (private readonly dir: string) {
    this.mediaDir = join(dir, 'media')
    mkdirSync(this.mediaDir, { recursive: true })
  }

  private get worldFile (): string {
    return join(this.dir, 'world.json')
  }

  load (): WorldState {
    if (!existsSync(this.worldFile)) return emptyWorld()
    return JSON.parse(readFileSync(this.worldFile, 'utf8'), BufferJSON.reviver) as WorldState
  }

  save (world: WorldState): void {
    writeAtomic(this.worldFile, JSON.stringify(world, BufferJSON.replacer))
  }

  private blobFile (path: string): string {
    return join(this.mediaDir, createHash('sha256').update(path).digest('hex'))
  }

  putBlob (path: string, data: Buffer): void {
    writeAtomic(this.blobFile(path), data)
  }

  getBlob (path: string): Buffer | undefined {
    const f = this.blobFile(path)
    return existsSync(f) ? readFileSync(f) : undefined
  }
}
