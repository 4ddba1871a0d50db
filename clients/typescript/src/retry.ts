// When to reconnect. SignalR's automatic reconnect asks an IRetryPolicy after every drop and every failed attempt,
// with the error that caused it; that error carries the server's close reason, so the policy is where a close for
// an expired token and a refused token are told apart from a lost network.
import type { IRetryPolicy, RetryContext } from "@microsoft/signalr";

/** The default delays between reconnect attempts, as SignalR's: 0, 2, 10 and 30 seconds, then give up. */
export const DEFAULT_RECONNECT_DELAYS_MS: readonly number[] = [0, 2000, 10000, 30000];

/** Whether an error is the server refusing the identity: a 401 at negotiate, or a close coded `unauthenticated`. */
export function isUnauthenticated(error: Error | undefined | null): boolean {
  const message = error?.message ?? "";
  return /Status code '401'/.test(message) || /\bunauthenticated:/.test(message);
}

/**
 * SignalR's delays, with two rules: a close coded `unauthenticated` (for example `unauthenticated: token expired`)
 * reconnects at once, calling the token factory for a fresh token; and an attempt the server refuses as
 * unauthenticated ends reconnecting, since the token it was just given is not accepted. A `slow-consumer` close or
 * a lost network follows the delays; after each reconnect the client resumes.
 */
export class TenantRetryPolicy implements IRetryPolicy {
  readonly #delays: readonly number[];

  /** Why the last reconnect attempt was needed or failed; SignalR's close after the policy gives up carries none. */
  lastReason: Error | undefined;

  constructor(delays: readonly number[] = DEFAULT_RECONNECT_DELAYS_MS) {
    this.#delays = delays;
  }

  nextRetryDelayInMilliseconds(context: RetryContext): number | null {
    this.lastReason = context.retryReason;
    const unauthenticated = isUnauthenticated(context.retryReason);
    if (context.previousRetryCount > 0 && unauthenticated) return null;
    if (context.previousRetryCount === 0 && unauthenticated) return 0;
    return context.previousRetryCount < this.#delays.length ? this.#delays[context.previousRetryCount]! : null;
  }
}
