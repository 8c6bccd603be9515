import type { Logger } from './util/logger.js'

interface Started { name: string, stop: () => unknown }

/**
 * The server's components (data-dir lock, database, sandbox, sessions, pruners, HTTP listener,
 * and later the webhook worker and campaign runner), started in order and stopped in reverse.
 * A component that fails to start stops those already started, then the error goes on.
 */
export class Lifecycle {
  private readonly started: Started[] = []
  private stopping: Promise<void> | undefined

  constructor (private readonly logger: Logger) {}

  /** Starts a component now; `stop` runs (in reverse order) when the lifecycle stops. */
  async add<T> (name: string, start: () => T | Promise<T>, stop: (value: T) => unknown = () => {}): Promise<T> {
    let value: T
    try {
      value = await start()
    } catch (err) {
      await this.stop()
      throw err
    }
    this.started.push({ name, stop: () => stop(value) })
    return value
  }

  /** Stops every started component in reverse order; one that fails is logged and the rest still stop. */
  async stop (): Promise<void> {
    this.stopping ??= (async () => {
      for (const component of this.started.splice(0).reverse()) {
        try {
          await component.stop()
        } catch (err) {
          this.logger.error({ err, component: component.name }, 'component failed to stop')
        }
      }
    })()
    await this.stopping
  }
}
