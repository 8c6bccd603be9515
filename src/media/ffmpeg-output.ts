/**
 * Reading what `ffmpeg -i <file>` prints about its input on stderr (ffmpeg has no machine-readable
 * output without ffprobe, which the installer package does not ship). Pure.
 */

export interface InputInfo {
  /** The demuxer(s), e.g. `ogg`, `mp3`, `mov,mp4,m4a,3gp,3g2,mj2`. */
  format?: string
  /** Seconds; undefined when ffmpeg printed `N/A`. */
  duration?: number
  /** Codec of the first audio stream (`opus`, `mp3`, `aac`...). */
  audioCodec?: string
  /** Codec and size of the first video stream. */
  video?: { codec: string, width?: number, height?: number }
}

/** Parses the `Input #0` description; fields ffmpeg did not print stay undefined. */
export function parseInputInfo (stderr: string): InputInfo {
  const info: InputInfo = {}
  const format = /^Input #0, (.+?), from /m.exec(stderr)
  if (format?.[1] !== undefined) info.format = format[1]
  const duration = /Duration: (\d+):(\d{2}):(\d{2}(?:\.\d+)?)/.exec(stderr)
  if (duration !== null) info.duration = Number(duration[1]) * 3600 + Number(duration[2]) * 60 + Number(duration[3])
  const audio = /Stream #0:\d+.*?: Audio: (\w+)/.exec(stderr)
  if (audio?.[1] !== undefined) info.audioCodec = audio[1]
  const video = /Stream #0:\d+.*?: Video: (\w+)(.*)$/m.exec(stderr)
  if (video?.[1] !== undefined) {
    const size = /, (\d{2,5})x(\d{2,5})[\s,[]/.exec(video[2] ?? '')
    info.video = { codec: video[1], ...(size !== null ? { width: Number(size[1]), height: Number(size[2]) } : {}) }
  }
  return info
}

/**
 * ffmpeg's own reason for a failure, fit for a client: its last meaningful line, with any file
 * path (ours, temporary) replaced by `input`, so no server path leaks.
 */
export function ffmpegReason (stderr: string, paths: readonly string[]): string {
  let text = stderr
  for (const p of paths) {
    const bare = p.replace(/^file:/, '')
    text = text.split(`file:${bare}`).join('input').split(bare).join('input')
  }
  const lines = text.split(/\r?\n/).map(l => l.replace(/^\[[^\]]*\]\s*/, '').trim()).filter(l => l !== '' && l !== 'At least one output file must be specified')
  const line = lines[lines.length - 1]?.replace(/^input: /, '')
  if (line === undefined || line === '') return 'ffmpeg gave no reason'
  return line.length > 200 ? `${line.slice(0, 200)}...` : line
}
