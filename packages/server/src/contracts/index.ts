// What code outside the server may take from the contracts (`@sls/server/contracts`): the wire
// types of `appliance.*` (type-only, for @sls/participant) and the constants the console shows.
export type * from "./appliance.ts";
export type { RULES } from "./rules.ts";
export { isSerial } from "./serial.ts";
export { USAGE_RANGE_NAMES, USAGE_RANGE_SPANS, type TUsageRange } from "./usage-ranges.ts";
export { safeNext } from "./safe-next.ts";

// The admin API's input schemas and closed lists, for the command line (packages/cli), which
// checks its arguments with them before it calls.
export { FILTERED_AUDIT_TYPES, ZAuditExportInput, ZAuditListInput } from "./admin/audit.ts";
export { ZParticipantListInput } from "./admin/participants.ts";
export { ZPolicyDefinition } from "./admin/policy.ts";
export {
  ZBackupInput,
  ZOperationInput,
  ZPoolSizeInput,
  ZRefreshIntervalInput,
  ZSecretInput,
} from "./admin/settings.ts";
export { ZApiTokenScope, ZCreateApiTokenInput, ZRevokeApiTokenInput } from "./admin/tokens.ts";
export { PARTICIPANT_SORT_KEYS, PARTICIPANT_STATES } from "@sls/db/vocabulary";
