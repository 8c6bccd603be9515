import { writeFile } from 'node:fs/promises'
import sharp from 'sharp'
import { ValidationError } from '../errors.js'
import type { MediaBody } from '../whatsapp/outgoing.js'
import { FfmpegError, runFfmpeg } from './ffmpeg.js'
import { ffmpegReason, parseInputInfo, type InputInfo } from './ffmpeg-output.js'
import { removeTemp, tempPath } from './temp-files.js'

/** WhatsApp's voice notes are Opus in Ogg; this is the mimetype phones expect for them. */
export const VOICE_NOTE_MIMETYPE = 'audio/ogg; codecs=opus'

/** Time limit of one ffmpeg run: minutes of audio convert in seconds, so this only stops a stuck run. */
export const CONVERT_TIMEOUT_MS = 120_000

/** The longer side of a generated video thumbnail. */
export const VIDEO_THUMB_MAX = 320

export interface ConvertOptions {
  /** Where ffmpeg's inputs and outputs are written (removed after each send). */
  tempDir: string
  /** Time limit of one ffmpeg run. */
  timeoutMs: number
}

/** Audio ready to send; `release` removes a converted file (call it whatever happens). */
export interface PreparedAudio {
  media: MediaBody
  /** Whole seconds, when ffmpeg could tell. */
  seconds?: number
  converted: boolean
  release: () => Promise<void>
}

export interface VideoPreview {
  jpegThumbnail?: Buffer
  width?: number
  height?: number
}

const nothing = async (): Promise<void> => {}

function wholeSeconds (duration: number | undefined): number | undefined {
  if (duration === undefined || !Number.isFinite(duration) || duration <= 0) return undefined
  return Math.max(1, Math.round(duration))
}

/**
 * Audio and video work done with ffmpeg (run without a shell, with a time limit): describing an
 * input, turning audio into an Opus voice note, taking a video's first frame as its thumbnail.
 * Inputs held in memory are written to a temporary file first (ffmpeg needs to seek in MP4s);
 * every temporary file is removed.
 */
export class MediaConverter {
  constructor (private readonly options: ConvertOptions) {}

  /**
   * Audio as WhatsApp plays it. A voice note (`ptt`) must be Opus in Ogg: other audio is converted
   * (mono, 48 kHz, 32 kb/s); Ogg/Opus is sent unchanged. Other audio is sent as it is. Every input
   * is read by ffmpeg first, so a file it cannot decode is a 400 naming the field.
   */
  async audio (media: MediaBody, field: string, ptt: boolean): Promise<PreparedAudio> {
    return await this.withInputFile(media, async input => {
      const info = await this.describe(input, field, 'audio')
      if (info.audioCodec === undefined) throw new ValidationError(`${field} has no audio stream`)
      const seconds = wholeSeconds(info.duration)
      if (!ptt || (info.format === 'ogg' && info.audioCodec === 'opus')) {
        return { media, ...(seconds !== undefined ? { seconds } : {}), converted: false, release: nothing }
      }
      const output = tempPath(this.options.tempDir)
      const release = async (): Promise<void> => { await removeTemp(output) }
      try {
        await this.run(['-i', input, '-map', '0:a:0', '-vn', '-map_metadata', '-1', '-c:a', 'libopus', '-b:a', '32k', '-ac', '1', '-ar', '48000', '-f', 'ogg', `file:${output}`],
          field, `could not convert ${field} to an Opus voice note`, [input, output])
      } catch (err) {
        await release()
        throw err
      }
      return { media: { path: output, mimetype: VOICE_NOTE_MIMETYPE }, ...(seconds !== undefined ? { seconds } : {}), converted: true, release }
    })
  }

  /**
   * A video's size and, when `thumbnail` is asked for, its first frame as a JPEG whose longer side
   * is at most {@link VIDEO_THUMB_MAX} pixels. A file ffmpeg cannot decode is a 400 naming the field.
   */
  async videoPreview (media: MediaBody, field: string, thumbnail: boolean): Promise<VideoPreview> {
    return await this.withInputFile(media, async input => {
      if (!thumbnail) return this.size(await this.describe(input, field, 'video'))
      const frame = tempPath(this.options.tempDir)
      try {
        const stderr = await this.run(['-i', input, '-map', '0:v:0', '-frames:v', '1', '-an', '-f', 'image2', '-c:v', 'png', `file:${frame}`],
          field, `could not decode ${field} as a video`, [input, frame])
        const jpegThumbnail = await sharp(frame)
          .resize(VIDEO_THUMB_MAX, VIDEO_THUMB_MAX, { fit: 'inside', withoutEnlargement: true })
          .jpeg({ quality: 70 })
          .toBuffer()
        return { ...this.size(parseInputInfo(stderr)), jpegThumbnail }
      } finally {
        await removeTemp(frame)
      }
    })
  }

  private size (info: InputInfo): VideoPreview {
    if (info.video === undefined) return {}
    return { width: info.video.width, height: info.video.height }
  }

  /** What ffmpeg says of the input; 400 when it cannot read it at all. */
  private async describe (input: string, field: string, what: 'audio' | 'video'): Promise<InputInfo> {
    const stderr = await this.run(['-i', input], field, `could not decode ${field} as ${what}`, [input], true)
    const info = parseInputInfo(stderr)
    if (info.format === undefined) throw new ValidationError(`could not decode ${field} as ${what}: ${ffmpegReason(stderr, [input])}`)
    return info
  }

  /** One ffmpeg run; its failures become a 400 starting with `failure` and ending with ffmpeg's reason. */
  private async run (args: string[], field: string, failure: string, paths: string[], describeOnly = false): Promise<string> {
    try {
      return await runFfmpeg(args, { timeoutMs: this.options.timeoutMs, allowExit1: describeOnly })
    } catch (err) {
      if (!(err instanceof FfmpegError)) throw err
      if (err.exitCode === null && !err.timedOut) throw err
      if (err.timedOut) throw new ValidationError(`${failure}: it took longer than ${this.options.timeoutMs} ms; send a shorter ${field}`)
      throw new ValidationError(`${failure}: ${ffmpegReason(err.stderr, paths)}`)
    }
  }

  /**
   * Runs `work` with the media as a file: its own path, or a temporary copy of bytes held in memory.
   * The `file:` prefix keeps ffmpeg from reading the path as another protocol or an option.
   */
  private async withInputFile<T> (media: MediaBody, work: (path: string) => Promise<T>): Promise<T> {
    if (media.path !== undefined) return await work(`file:${media.path}`)
    if (media.data === undefined) throw new Error('media without a path or data')
    const file = tempPath(this.options.tempDir)
    try {
      await writeFile(file, media.data, { flag: 'wx', mode: 0o600 })
      return await work(`file:${file}`)
    } finally {
      await removeTemp(file)
    }
  }
}
