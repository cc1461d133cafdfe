export { providerOf, createFreshPostgresDatabase, type Provider } from "./client.ts";
export { applyMigrations } from "./migrate.ts";
export { newId } from "./ids.ts";
export { Store, ServerNotSeededError } from "./store/store.ts";
export { PoolTransaction, type PoolChanges, type Preload } from "./store/pool-transaction.ts";
export type {
  GroupTotalsRow,
  MembershipRow,
  MembershipWrite,
} from "./store/policy-membership.ts";
export { ProcessRegistry, type ProcessRow } from "./store/process-registry.ts";
export { LinkNonceRepository } from "./store/link-nonces.ts";
export { LeaseRepository, type ChangeFeed, type LeaseRenewal, type LeaseRow } from "./store/leases.ts";
export type * from "./store/rows.ts";
export {
  BackupStore,
  HANDBACK_FAILED,
  HANDBACK_RECOVERED,
  type ApplyOutcome,
  type BackupReport,
  type BackupRoleRow,
  type ExportedChanges,
  type StateChanges,
  type Sums,
} from "./store/backup-store.ts";
export type { OutageEventRow } from "./store/backup-transaction.ts";
export type { OutageRow, OutageSummaryRow } from "./store/outages.ts";
export { AccountRepository, AccountTransaction, PROVIDER_ACCOUNT_VERIFIER } from "./store/accounts.ts";
export {
  ApiTokenRepository,
  ApiTokenTransaction,
  type ApiTokenCredentials,
  type ApiTokenRow,
  type NewApiToken,
} from "./store/api-tokens.ts";
export { AuditQueries } from "./store/audit-query.ts";
export { ParticipantQueries } from "./store/participants-query.ts";
export { UsageRepository } from "./store/usage.ts";
export { OverviewQueries, type BackupStatusRow } from "./store/overview-query.ts";
export { LivenessQueries, type LateMark, type LateParticipantRow } from "./store/liveness-query.ts";
