import { DEFAULT_GROUP } from "@sls/allocator";
import type { LateMark, LateParticipantRow } from "@sls/db";
import type { Services } from "../services/context.ts";
import { stateCutoffs } from "../services/liveness.ts";
import { type Alert, LISTED_SERIALS } from "./alert-kinds.ts";

/** Participants whose mark moves per tick at most; the rest follow at the next tick (5 s later). */
const MARKED_PER_TICK = 10_000;
/** Sites a digest names; its counts cover them all. */
const LISTED_SITES = 10;

type LateKind = "participant-late" | "participant-silent" | "participant-recovered";
type Transition = { kind: LateKind; mark: LateMark | null; rows: LateParticipantRow[] };

/**
 * Participants that went late (one refresh interval missed), silent (two) or came back since the
 * last tick, as at most one digest alert per kind: a WAN link going down makes one alert naming how
 * many and at which sites, not one per appliance. The marks on the participants (written by
 * `commit` once the alerts are recorded) are what makes each change announced once, whichever
 * process holds the engine. Silence is counted from the lease floor, as the reclaim sweep counts
 * it, so a restart of the server does not announce the whole fleet late.
 *
 * Cost per tick: two reads, each bounded by the participants late or silent now (a range of the
 * lastSeenAt index below the late cutoff, and the lateAlert index), not by the fleet.
 */
export async function detectLateParticipants(
  services: Pick<Services, "store" | "now" | "leases">,
): Promise<{ alerts: Alert[]; commit: () => Promise<void> }> {
  const server = await services.store.readServer();
  if (!server) return { alerts: [], commit: async () => {} };
  // Renewals this process holds in memory are written first, as the sweep does.
  await services.leases.flush();
  const now = services.now();
  const cutoffs = stateCutoffs(now, server.refreshIntervalSec);
  const liveness = services.store.liveness;
  // Nobody is late while the floor (a restart, a crashed process) is within the last interval.
  const behind = services.leases.floor < cutoffs.late.getTime() ? await liveness.behind(cutoffs, MARKED_PER_TICK) : [];
  const back = await liveness.back(cutoffs, MARKED_PER_TICK);
  const silentAt = cutoffs.silent.getTime();
  const transitions: Transition[] = [
    { kind: "participant-late", mark: "late", rows: behind.filter((p) => p.lastSeenAt.getTime() >= silentAt) },
    { kind: "participant-silent", mark: "silent", rows: behind.filter((p) => p.lastSeenAt.getTime() < silentAt) },
    { kind: "participant-recovered", mark: null, rows: back },
  ];
  const at = new Date(now);
  const alerts = transitions
    .filter((t) => t.rows.length > 0)
    .map((t) => digest(t.kind, t.rows, server.refreshIntervalSec, now, at, t.rows.length === MARKED_PER_TICK));
  return {
    alerts,
    async commit() {
      for (const t of transitions)
        await liveness.mark(
          t.rows.map((p) => p.id),
          t.mark,
        );
    },
  };
}

const WORDING: Record<LateKind, { severity: Alert["severity"]; what: string }> = {
  "participant-late": { severity: "warning", what: "late: one refresh interval missed" },
  "participant-silent": {
    severity: "critical",
    what: "silent: two refresh intervals missed; their grants are reclaimed at the third",
  },
  "participant-recovered": { severity: "info", what: "back: refreshing again after being late or silent" },
};

function digest(
  kind: LateKind,
  rows: LateParticipantRow[],
  refreshIntervalSec: number,
  now: number,
  at: Date,
  more: boolean,
): Alert {
  const { severity, what } = WORDING[kind];
  const sites = sitesOf(rows);
  const serials = rows.slice(0, LISTED_SERIALS).map((p) => p.serial);
  const count = `${more ? "at least " : ""}${rows.length}`;
  const siteText = sites
    .slice(0, LISTED_SITES)
    .map((s) => `${s.site} (${s.count})`)
    .join(", ");
  const oldest = Math.round((now - rows[0]!.lastSeenAt.getTime()) / 1000);
  const message =
    rows.length === 1
      ? `Participant ${rows[0]!.serial} (${rows[0]!.hostname}) is ${what} (refresh interval ${refreshIntervalSec} s; last seen ${oldest} s ago).`
      : `${count} participants are ${what} (refresh interval ${refreshIntervalSec} s), at ${sites.length} site${sites.length === 1 ? "" : "s"}: ${siteText}${sites.length > LISTED_SITES ? ", …" : ""}. ${serials.join(", ")}${rows.length > LISTED_SERIALS ? ", …" : ""}.`;
  return {
    kind,
    severity,
    message,
    detail: {
      count: rows.length,
      complete: !more,
      refreshIntervalSec,
      sites: sites.slice(0, LISTED_SITES),
      serials,
      participants: rows
        .slice(0, LISTED_SERIALS)
        .map((p) => ({ serial: p.serial, hostname: p.hostname, lastSeenAt: p.lastSeenAt.toISOString() })),
    },
    raisedAt: at,
  };
}

/**
 * Where a participant stands, for grouping: its pool-policy group, else its hostname's domain
 * (what follows the first dot), else the hostname itself. Largest first.
 */
export function sitesOf(
  rows: Array<Pick<LateParticipantRow, "policyGroup" | "hostname">>,
): Array<{ site: string; count: number }> {
  const counts = new Map<string, number>();
  for (const p of rows) {
    const site = siteOf(p);
    counts.set(site, (counts.get(site) ?? 0) + 1);
  }
  return [...counts]
    .map(([site, count]) => ({ site, count }))
    .sort((a, b) => b.count - a.count || a.site.localeCompare(b.site));
}

function siteOf(p: Pick<LateParticipantRow, "policyGroup" | "hostname">): string {
  if (p.policyGroup !== null && p.policyGroup !== DEFAULT_GROUP) return p.policyGroup;
  const dot = p.hostname.indexOf(".");
  return dot > 0 && dot < p.hostname.length - 1 ? p.hostname.slice(dot + 1) : p.hostname;
}
