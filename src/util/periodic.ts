import type { Logger } from './logger.js'

/** Runs `task` now and then every `everyMs` until stopped; a failing run is logged, the next still runs. */
export function periodic (name: string, everyMs: number, task: () => void, logger: Logger): { stop: () => void } {
  const run = (): void => {
    try {
      task()
    } catch (err) {
      logger.error({ err, task: name }, 'periodic task failed')
    }
  }
  run()
  const timer = setInterval(run, everyMs)
  return { stop: () => { clearInterval(timer) } }
}
