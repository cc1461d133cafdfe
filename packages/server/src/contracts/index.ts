// What code outside the server may take from the contracts (`@sls/server/contracts`): the wire
// types of `appliance.*` (type-only, for @sls/participant) and the constants the console shows.
export type * from "./appliance.ts";
export type { RULES } from "./rules.ts";
export { isSerial } from "./serial.ts";
export { USAGE_RANGE_NAMES, USAGE_RANGE_SPANS, type TUsageRange } from "./usage-ranges.ts";
export { safeNext } from "./safe-next.ts";
