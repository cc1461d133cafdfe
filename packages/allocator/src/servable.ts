import { availableSessions } from "./capacity";
import { unmet } from "./groups";
import type { PoolSnapshot, PolicyState } from "./types";

/**
 * Whose waiting demand the queue could serve now, before anything changes: `"none"` (nothing is
 * free, or the pool is paused), `"all"`, or only the members of the named groups listed. Free
 * sessions that the other groups' unmet reservations cover are no one's but those groups': while
 * the free sessions do not exceed all unmet reservations, a member of a group without one has
 * no room (spec rule 1), so only the groups short of their reservation and not paused could take
 * anything (a max is never below the reserve, so such a group is below its max). The `default` group never has a reservation, so it is never listed.
 * Lets a caller skip loading the rest of the queue; serving what it loads gives the same outcome.
 */
export function servableGroups(
  pool: Pick<PoolSnapshot, "poolSize" | "grantedTotal">,
  policy: PolicyState | undefined,
): "all" | "none" | string[] {
  const free = availableSessions(pool);
  if (free === 0) return "none";
  if (policy === undefined) return "all";
  if (policy.poolPaused) return "none";
  let unmetTotal = 0;
  for (const name in policy.groups) unmetTotal += unmet(policy.groups[name]!);
  if (free > unmetTotal) return "all";
  const groups = Object.entries(policy.groups)
    .filter(([, g]) => unmet(g) > 0 && !g.paused)
    .map(([name]) => name);
  return groups.length === 0 ? "none" : groups;
}
