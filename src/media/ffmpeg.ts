import { spawn } from 'node:child_process'
import ffmpegInstaller from '@ffmpeg-installer/ffmpeg'

/** The ffmpeg binary shipped in the registry package (built with libopus and libwebp). */
export const FFMPEG_PATH: string = ffmpegInstaller.path

/** How much of stderr is kept: the end is where ffmpeg says what went wrong. */
const STDERR_KEEP = 16 * 1024

export interface FfmpegOptions {
  /** The whole run; the process is killed when it is over. */
  timeoutMs: number
  /** Another binary (tests). */
  binary?: string
}

/** ffmpeg exited with an error, could not start, or ran out of time; `stderr` is its own account. */
export class FfmpegError extends Error {
  constructor (message: string, readonly stderr: string, readonly timedOut: boolean, readonly exitCode: number | null) {
    super(message)
    this.name = 'FfmpegError'
  }
}

/**
 * Runs ffmpeg with `args` (no shell: each argument is passed as is) and resolves with its stderr
 * once it exits with 0. Never reads stdin (`-nostdin`). A run over `timeoutMs` is killed.
 * `allowExit1` resolves on exit code 1 too: `ffmpeg -i file` alone exits 1 after describing the file.
 */
export async function runFfmpeg (args: readonly string[], opts: FfmpegOptions & { allowExit1?: boolean }): Promise<string> {
  return await new Promise<string>((resolve, reject) => {
    const child = spawn(opts.binary ?? FFMPEG_PATH, ['-hide_banner', '-nostdin', ...args], { stdio: ['ignore', 'ignore', 'pipe'], windowsHide: true })
    let stderr = ''
    let timedOut = false
    child.stderr.setEncoding('utf8')
    child.stderr.on('data', (chunk: string) => {
      stderr += chunk
      if (stderr.length > 2 * STDERR_KEEP) stderr = stderr.slice(-STDERR_KEEP)
    })
    const timer = setTimeout(() => {
      timedOut = true
      child.kill('SIGKILL')
    }, opts.timeoutMs)
    child.once('error', err => {
      clearTimeout(timer)
      reject(new FfmpegError(`could not run ffmpeg: ${err.message}`, stderr, false, null))
    })
    child.once('close', code => {
      clearTimeout(timer)
      if (timedOut) reject(new FfmpegError(`ffmpeg took longer than ${opts.timeoutMs} ms`, stderr, true, code))
      else if (code === 0 || (code === 1 && opts.allowExit1 === true)) resolve(stderr)
      else reject(new FfmpegError(`ffmpeg exited with code ${String(code)}`, stderr, false, code))
    })
  })
}
