export type {
  AllocState,
  ChangeCause,
  GroupFigures,
  GroupState,
  HoldingResult,
  LimitsResult,
  Outcome,
  ParticipantChange,
  ParticipantSnapshot,
  PolicyResult,
  PolicyState,
  PoolResult,
  PoolSnapshot,
  ReclaimCause,
  ReclaimResult,
  ReleaseResult,
  RequestResult,
  ServeResult,
  TransferResult,
} from "./types";
export { ALLOCATION_ERROR_REASONS, AllocationError, type AllocationErrorReason } from "./errors";
export { availableSessions, headroom } from "./capacity";
export { SESSION_BLOCK, requestSessions } from "./request";
export { releaseSessions } from "./release";
export { servePending } from "./pending";
export { SILENT_AFTER_INTERVALS, isSilent, reclaim } from "./reclaim";
export { transfer } from "./transfer";
export { MAX_PLATFORM_LIMIT, updateLimits } from "./limits";
export { MAX_POOL_SIZE, setPoolSize } from "./pool";
export { checkInvariants } from "./invariants";
export { DEFAULT_GROUP, allowance } from "./groups";
export { type GroupDefinition, type PolicyDefinition, validatePolicy } from "./policy";
export { type Who, groupOf } from "./membership";
export { applyPolicy, enactPolicy, figuresAfter, type GroupTotals } from "./apply-policy";
export { type Membership, assignMembership } from "./assign-membership";
export {
  ACTIVE_ALERT_DAYS,
  INITIAL_LIMIT_DAYS,
  MAX_LIMIT_DAYS,
  advanceOperatingLimit,
  canIssueSessions,
  initialOperatingLimit,
  remainingDays,
  setActive,
  type LimitStep,
  type OperatingAlert,
  type OperatingLimit,
} from "./operating-limit";
export { DAY_MS, HOUR_MS, MINUTE_MS } from "./time";
export { servableGroups } from "./servable";
