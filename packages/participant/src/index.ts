export { Participant, type ParticipantState } from "./participant.ts";
export { resolveOptions, DEFAULTS, ParticipantOptionsError, type ParticipantOptions } from "./options.ts";
export { fetchTransport, type Transport, type CallOptions } from "./transport.ts";
export { systemClock, type Clock } from "./clock.ts";
export { ApplianceError, UnreachableError, isReason } from "./errors.ts";
export type { ParticipantEvents, GrantedVia, ReleasedReason, ServerRole } from "./events.ts";
export { SESSION_BLOCK, baseUrlOf, type Verb, type Calls, type BackupInfo, type RegisterInput } from "./protocol.ts";
export { sessionsToRequest, sessionsToRelease, capacityOf, type Holdings } from "./demand.ts";
