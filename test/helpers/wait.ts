/** Polls `check` until it holds (no fixed sleeps); fails naming `what` after `ms`. */
export async function waitUntil (check: () => boolean | Promise<boolean>, what = 'a condition', ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise(resolve => setTimeout(resolve, 10))
  }
}
