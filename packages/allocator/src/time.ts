/** Time units in milliseconds, written once for every package (the allocator imports nothing, so any package may import it). */
export const MINUTE_MS = 60_000;
export const HOUR_MS = 60 * MINUTE_MS;
export const DAY_MS = 24 * HOUR_MS;
