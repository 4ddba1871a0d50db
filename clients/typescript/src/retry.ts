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
 * Whether an error is the server refusing a new connection for now: 429 (`rate-limited`: it admits connections at
 * a bounded rate, e.g. while every client of a deploy comes back) or 503 (at its connection ceiling). Such a
 * refusal asks the client to come back shortly, so it is retried without using up the reconnect delays.
 */
export function isRefusedForNow(error: Error | undefined | null): boolean {
  return /Status code '(429|503)'/.test(error?.message ?? "");
}

/** The wait before retrying a refused connect: the server's `Retry-After` (1 s), plus up to 1 s of jitter so the refused clients do not all return at once. */
export function refusedRetryDelayMs(random: () => number = Math.random): number {
  return 1000 + Math.floor(random() * 1000);
}

/**
 * SignalR's delays, with three rules: a connect the server refuses for now (429, 503) is retried after 1–2 s
 * (jittered) without counting against the delays; a close coded `unauthenticated` (for example `unauthenticated: token expired`)
 * reconnects at once, calling the token factory for a fresh token; and an attempt the server refuses as
 * unauthenticated ends reconnecting, since the token it was just given is not accepted. A `slow-consumer` close or
 * a lost network follows the delays; after each reconnect the client resumes.
 */
export class TenantRetryPolicy implements IRetryPolicy {
  readonly #delays: readonly number[];
  readonly #random: () => number;
  #refusals = 0;

  /** Why the last reconnect attempt was needed or failed; SignalR's close after the policy gives up carries none. */
  lastReason: Error | undefined;

  constructor(delays: readonly number[] = DEFAULT_RECONNECT_DELAYS_MS, random: () => number = Math.random) {
    this.#delays = delays;
    this.#random = random;
  }

  nextRetryDelayInMilliseconds(context: RetryContext): number | null {
    this.lastReason = context.retryReason;
    // SignalR counts attempts per reconnect episode, from 0 after each drop.
    if (context.previousRetryCount === 0) this.#refusals = 0;
    if (context.previousRetryCount > 0 && isRefusedForNow(context.retryReason)) {
      this.#refusals++;
      return refusedRetryDelayMs(this.#random);
    }
    const unauthenticated = isUnauthenticated(context.retryReason);
    if (context.previousRetryCount > 0 && unauthenticated) return null;
    if (context.previousRetryCount === 0 && unauthenticated) return 0;
    const attempt = context.previousRetryCount - this.#refusals;
    return attempt < this.#delays.length ? this.#delays[attempt]! : null;
  }
}
