/** How the audit page names and groups the server's event types. */
export const TYPE_GROUPS = [
  {
    id: "grants",
    label: "Grant changes",
    types: ["request", "grant-pending", "release", "withdraw-pending", "transfer-out", "transfer-in", "limits"],
  },
  { id: "reclaims", label: "Reclaims and removals", types: ["reclaim", "force-release", "remove"] },
  { id: "registrations", label: "Registrations", types: ["register", "register-awaiting-approval"] },
] as const;

const LABELS: Record<string, string> = {
  request: "Request",
  "grant-pending": "Pending served",
  release: "Release",
  "withdraw-pending": "Pending withdrawn",
  "transfer-out": "Transfer out",
  "transfer-in": "Transfer in",
  limits: "Limits changed",
  reclaim: "Reclaimed (silent)",
  "force-release": "Force-released",
  remove: "Removed",
  register: "Registered",
  "register-awaiting-approval": "Awaiting approval",
};

export function typeLabel(type: string): string {
  return LABELS[type] ?? type.replace(/^admin\./, "admin: ").replaceAll("-", " ");
}

/** A filter value: one type, a group (`group:grants`), every admin action (`group:admin`) or all. */
export function typesOf(filter: string | undefined, allTypes: string[]): string[] | undefined {
  if (!filter) return undefined;
  if (filter === "group:admin") return allTypes.filter((t) => t.startsWith("admin."));
  const group = TYPE_GROUPS.find((g) => `group:${g.id}` === filter);
  if (group) return [...group.types];
  return allTypes.includes(filter) ? [filter] : undefined;
}
