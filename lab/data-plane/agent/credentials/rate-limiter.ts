/**
 * The credentials endpoint's throttle as the agent builds it (`ecs-agent/tmds/server.go`): one tollbooth
 * limiter over every path, keyed by (remote IP, URL path), each key a golang.org/x/time/rate token bucket
 * that starts full with `burst` tokens and refills at `steady` tokens per second. Buckets never expire
 * (tollbooth's default TTL is ten years).
 */
import type { RateLimit } from '../ecs-config.ts';

interface Bucket {
  tokens: number;
  /** Milliseconds (clock time) of the last refill. */
  last: number;
}

export class TollboothLimiter {
  readonly #limit: RateLimit;
  readonly #now: () => number;
  readonly #buckets = new Map<string, Bucket>();

  constructor(limit: RateLimit, now: () => number = () => performance.now()) {
    this.#limit = limit;
    this.#now = now;
  }

  /** rate.Limiter.Allow() for the key's bucket: true takes a token, false means 429. */
  allow(remoteIp: string, path: string): boolean {
    const key = `${remoteIp}|${path}`;
    const now = this.#now();
    const bucket = this.#buckets.get(key) ?? { tokens: this.#limit.burst, last: now };
    const elapsedSeconds = Math.max(0, now - bucket.last) / 1000;
    bucket.tokens = Math.min(this.#limit.burst, bucket.tokens + elapsedSeconds * this.#limit.steady);
    bucket.last = now;
    this.#buckets.set(key, bucket);
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }
}
