import type { RouterInputs } from "../../src/root.ts";

type TGroup = RouterInputs["admin"]["policy"]["save"]["groups"][number];

/** A pool-policy group for `admin.policy.save`: no reserve, no max, priority 0, unpaused, no members, then `rules`. */
export function policyGroup(name: string, rules: Partial<TGroup> = {}): TGroup {
  return { name, reserve: 0, max: null, priority: 0, paused: false, serials: [], patterns: [], ...rules };
}
