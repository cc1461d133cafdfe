import type { GroupDefinition, PolicyDefinition } from "@sls/allocator";

/** One difference between two policy definitions, for the audit row of a change. */
export type PolicyChange =
  | { group: string; change: "added" | "removed" }
  | { group: string; change: "changed"; field: keyof GroupDefinition; from: unknown; to: unknown }
  | { change: "order"; from: string[]; to: string[] }
  | { change: "poolPaused"; from: boolean; to: boolean }
  | { change: "cap"; serial: string; from: number | null; to: number | null };

const FIELDS = ["reserve", "max", "priority", "paused", "serials", "patterns"] as const;

/** What changed from `from` to `to`: groups added, removed or changed field by field, their order, the pause, the caps. */
export function policyDiff(from: PolicyDefinition, to: PolicyDefinition): PolicyChange[] {
  const changes: PolicyChange[] = [];
  const before = new Map(from.groups.map((g) => [g.name, g]));
  const after = new Map(to.groups.map((g) => [g.name, g]));
  for (const name of before.keys()) if (!after.has(name)) changes.push({ group: name, change: "removed" });
  for (const [name, group] of after) {
    const old = before.get(name);
    if (!old) {
      changes.push({ group: name, change: "added" });
      continue;
    }
    for (const field of FIELDS) {
      if (JSON.stringify(old[field]) !== JSON.stringify(group[field])) {
        changes.push({ group: name, change: "changed", field, from: old[field], to: group[field] });
      }
    }
  }
  const kept = (groups: readonly GroupDefinition[], other: Map<string, unknown>) =>
    groups.map((g) => g.name).filter((name) => other.has(name));
  const orderBefore = kept(from.groups, after);
  const orderAfter = kept(to.groups, before);
  if (orderBefore.join() !== orderAfter.join()) changes.push({ change: "order", from: orderBefore, to: orderAfter });
  if (from.poolPaused !== to.poolPaused)
    changes.push({ change: "poolPaused", from: from.poolPaused, to: to.poolPaused });
  for (const serial of new Set([...Object.keys(from.caps), ...Object.keys(to.caps)])) {
    const a = Object.hasOwn(from.caps, serial) ? from.caps[serial]! : null;
    const b = Object.hasOwn(to.caps, serial) ? to.caps[serial]! : null;
    if (a !== b) changes.push({ change: "cap", serial, from: a, to: b });
  }
  return changes;
}
