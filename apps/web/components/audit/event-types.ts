import type { AuditEventType } from "@sls/server";
import type { Tone } from "@/components/ui/badge";

/** How the audit page groups the server's event types, in the order the filter lists them. */
export const TYPE_GROUPS = [
  { id: "grants", label: "Grant changes", tone: "neutral" },
  { id: "reclaims", label: "Reclaims and removals", tone: "warn" },
  { id: "registrations", label: "Registrations", tone: "neutral" },
  { id: "admin", label: "Administrator actions", tone: "info" },
  { id: "backup", label: "Backup server", tone: "neutral" },
  { id: "system", label: "Housekeeping", tone: "neutral" },
] as const satisfies ReadonlyArray<{ id: string; label: string; tone: Tone }>;
type GroupId = (typeof TYPE_GROUPS)[number]["id"];

/** Every type the server writes, named and grouped: a type added on the server must be added here. */
const EVENT_TYPES = {
  request: { label: "Request", group: "grants" },
  "grant-pending": { label: "Pending served", group: "grants" },
  release: { label: "Release", group: "grants" },
  "withdraw-pending": { label: "Pending withdrawn", group: "grants" },
  "transfer-out": { label: "Transfer out", group: "grants" },
  "transfer-in": { label: "Transfer in", group: "grants" },
  limits: { label: "Limits changed", group: "grants" },
  reclaim: { label: "Reclaimed (silent)", group: "reclaims" },
  "force-release": { label: "Force-released", group: "reclaims" },
  remove: { label: "Removed", group: "reclaims" },
  register: { label: "Registered", group: "registrations" },
  "register-awaiting-approval": { label: "Awaiting approval", group: "registrations" },
  "admin.setup-code": { label: "admin: setup code", group: "admin" },
  "admin.setup": { label: "admin: setup", group: "admin" },
  "admin.login": { label: "admin: login", group: "admin" },
  "admin.login-failed": { label: "admin: login failed", group: "admin" },
  "admin.logout": { label: "admin: logout", group: "admin" },
  "admin.secret": { label: "admin: secret", group: "admin" },
  "admin.refresh-interval": { label: "admin: refresh interval", group: "admin" },
  "admin.pool-size": { label: "admin: pool size", group: "admin" },
  "admin.policy": { label: "admin: pool policy", group: "admin" },
  "admin.backup": { label: "admin: backup", group: "admin" },
  "admin.operation": { label: "admin: operation", group: "admin" },
  "admin.approve": { label: "admin: approve", group: "admin" },
  "admin.force-release": { label: "admin: force release", group: "admin" },
  "admin.remove": { label: "admin: remove", group: "admin" },
  "admin.account-create": { label: "admin: account create", group: "admin" },
  "admin.account-role": { label: "admin: account role", group: "admin" },
  "admin.account-password": { label: "admin: account password", group: "admin" },
  "admin.account-break-glass": { label: "admin: account break-glass", group: "admin" },
  "admin.account-remove": { label: "admin: account remove", group: "admin" },
  "admin.token-create": { label: "admin: API token create", group: "admin" },
  "admin.token-revoke": { label: "admin: API token revoke", group: "admin" },
  "admin.alerts": { label: "admin: alerts", group: "admin" },
  sync: { label: "Backup sync", group: "backup" },
  handback: { label: "Hand-back", group: "backup" },
  "backup-takeover": { label: "Backup took over", group: "backup" },
  "backup-alert": { label: "Backup alert", group: "backup" },
  "backup.sync-refused": { label: "Sync answer refused", group: "backup" },
  "backup.link-refused": { label: "Backup link refused", group: "backup" },
  "backup.handback-refused": { label: "Hand-back refused", group: "backup" },
  "backup.handback-failed": { label: "Hand-back failing", group: "backup" },
  "backup.handback-recovered": { label: "Hand-back recovered", group: "backup" },
  "backup.main-down": { label: "Main judged down", group: "backup" },
  "backup.outage-recorded": { label: "Outage report recorded", group: "backup" },
  "history-pruned": { label: "History pruned", group: "system" },
} as const satisfies Record<AuditEventType, { label: string; group: GroupId }>;

/** Rows keep whatever type was written, so a type this build does not know still shows. */
function known(type: string): type is AuditEventType {
  return Object.hasOwn(EVENT_TYPES, type);
}

export function typeLabel(type: string): string {
  return known(type) ? EVENT_TYPES[type].label : type;
}

export function typeTone(type: string): Tone {
  return TYPE_GROUPS.find((g) => known(type) && g.id === EVENT_TYPES[type].group)?.tone ?? "neutral";
}

/** The types of a group that the server filters by, in the server's order. */
export function typesOfGroup<T extends string>(group: GroupId, filterable: readonly T[]): T[] {
  return filterable.filter((type) => known(type) && EVENT_TYPES[type].group === group);
}

/** A filter value: one type, a group (`group:grants`) or all. */
export function typesOf<T extends string>(filter: string | undefined, filterable: readonly T[]): T[] | undefined {
  if (!filter) return undefined;
  const group = TYPE_GROUPS.find((g) => `group:${g.id}` === filter);
  if (group) return typesOfGroup(group.id, filterable);
  const one = filterable.find((type) => type === filter);
  return one ? [one] : undefined;
}
