// The ranges of the usage charts and the time each spans: the server samples and answers by them,
// the console offers them. No zod here: the console imports this at run time.
import { DAY_MS, HOUR_MS } from "@sls/allocator";

export const USAGE_RANGE_SPANS = { hour: HOUR_MS, day: DAY_MS, week: 7 * DAY_MS } as const;
export type TUsageRange = keyof typeof USAGE_RANGE_SPANS;
export const USAGE_RANGE_NAMES = Object.keys(USAGE_RANGE_SPANS) as [TUsageRange, ...TUsageRange[]];
