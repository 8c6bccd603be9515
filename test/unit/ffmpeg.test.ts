import { FfmpegError, runFfmpeg } from '../../src/media/ffmpeg.js'
import { ffmpegReason, parseInputInfo } from '../../src/media/ffmpeg-output.js'

/** What ffmpeg 4.1 (the installer's build) prints for `ffmpeg -hide_banner -i <file>`. */
const MP4 = `Input #0, mov,mp4,m4a,3gp,3g2,mj2, from 'file:/tmp/wa-media-abc':
  Metadata:
    major_brand     : isom
  Duration: 00:01:02.50, start: 0.000000, bitrate: 58 kb/s
    Stream #0:0(und): Video: h264 (High) (avc1 / 0x31637661), yuv420p, 640x480 [SAR 1:1 DAR 4:3], 50 kb/s, 10 fps, 10 tbr, 10240 tbn, 20 tbc (default)
    Stream #0:1(und): Audio: aac (LC) (mp4a / 0x6134706D), 44100 Hz, mono, fltp, 69 kb/s (default)
At least one output file must be specified
`
const OGG = `Input #0, ogg, from 'file:/tmp/x':
  Duration: 00:00:01.01, start: 0.000000, bitrate: 39 kb/s
    Stream #0:0: Audio: opus, 48000 Hz, mono, fltp
At least one output file must be specified
`
const BROKEN = `[mp3 @ 0x2befbb00] Format mp3 detected only with low score of 1, misdetection possible!
[mp3 @ 0x2befbb00] Failed to read frame size: Could not seek to 4023.
file:/tmp/wa-media-abc: Invalid argument
`

describe('parseInputInfo', () => {
  it('reads the container, duration, audio codec and video size', () => {
    expect(parseInputInfo(MP4)).toEqual({ format: 'mov,mp4,m4a,3gp,3g2,mj2', duration: 62.5, audioCodec: 'aac', video: { codec: 'h264', width: 640, height: 480 } })
    expect(parseInputInfo(OGG)).toEqual({ format: 'ogg', duration: 1.01, audioCodec: 'opus' })
  })

  it('finds nothing in a failure', () => {
    expect(parseInputInfo(BROKEN)).toEqual({})
    expect(parseInputInfo('  Duration: N/A, bitrate: N/A')).toEqual({})
  })
})

describe('ffmpegReason', () => {
  it('gives the last line, without our temporary paths', () => {
    expect(ffmpegReason(BROKEN, ['/tmp/wa-media-abc'])).toBe('Invalid argument')
    expect(ffmpegReason('[libopus @ 0x1] bad thing in /tmp/out\n', ['file:/tmp/out'])).toBe('bad thing in input')
    expect(ffmpegReason('', [])).toBe('ffmpeg gave no reason')
    expect(ffmpegReason(`${'x'.repeat(300)}\n`, []).length).toBe(203)
  })
})

describe('runFfmpeg', () => {
  it('kills a run over its time limit', async () => {
    const started = Date.now()
    const run = runFfmpeg(['-re', '-f', 'lavfi', '-i', 'sine=duration=600', '-f', 'null', '-'], { timeoutMs: 300 })
    await expect(run).rejects.toMatchObject({ name: 'FfmpegError', timedOut: true, message: 'ffmpeg took longer than 300 ms' })
    expect(Date.now() - started).toBeLessThan(10_000)
  })

  it('reports a failed run with its stderr, and a binary that cannot start', async () => {
    const failed = await runFfmpeg(['-i', 'file:/nonexistent/input.mp3', '-f', 'null', '-'], { timeoutMs: 10_000 }).catch((err: unknown) => err)
    expect(failed).toBeInstanceOf(FfmpegError)
    expect((failed as FfmpegError).exitCode).toBe(1)
    expect((failed as FfmpegError).stderr).toContain('No such file or directory')
    await expect(runFfmpeg([], { timeoutMs: 1000, binary: '/nonexistent/ffmpeg' })).rejects.toMatchObject({ exitCode: null, timedOut: false })
  })

  it('resolves with stderr on success, and on exit 1 only when allowed', async () => {
    const stderr = await runFfmpeg(['-f', 'lavfi', '-i', 'sine=duration=0.1', '-f', 'null', '-'], { timeoutMs: 10_000 })
    expect(stderr).toContain('Input #0, lavfi')
    await expect(runFfmpeg(['-f', 'lavfi', '-i', 'sine=duration=0.1'], { timeoutMs: 10_000, allowExit1: true })).resolves.toContain('Duration')
  })
})
