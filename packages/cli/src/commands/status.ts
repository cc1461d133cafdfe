import type { Command } from "../command.ts";
import { fields, when } from "../output.ts";

export const status: Command = {
  name: "status",
  arity: { min: 0, max: 0 },
  summary: "The pool, the participants and the backup server at a glance, as the console's overview shows them.",
  async run({ api }) {
    const o = await api.admin.overview.get.query();
    const { pool, participants: p, backup } = o;
    const text = fields([
      [
        "Server",
        `${o.enabled ? "enabled" : "disabled"}, ${o.approvalRequired ? "new participants need approval" : "no approval needed"}${o.configured ? "" : ", NOT CONFIGURED (no shared secret)"}`,
      ],
      [
        "Pool",
        `${pool.poolSize} sessions: ${pool.granted} granted (${pool.utilisationPct} %), ${pool.available} available, ${pool.pending} pending`,
      ],
      ["In use", `${pool.inUse} (${pool.inUseFromPool} from the pool); alert at ${pool.alertThresholdPct} %`],
      ["Participants", `${p.total}: ${p.active} active, ${p.expired} expired, ${p.awaitingApproval} awaiting approval`],
      [
        "Groups",
        o.groups.length === 0
          ? "no pool policy"
          : o.groups.map((g) => `${g.name} ${g.held}/${g.reserve}${g.paused ? " (paused)" : ""}`).join(", "),
      ],
      [
        "Backup",
        backup.configured
          ? `${backup.serial} at ${backup.address}, last sync ${when(backup.lastSyncAt) ?? "never"}${backup.active ? ", SERVING" : ""}`
          : "not configured",
      ],
      ["Shed", `${o.shedLastMinute} calls in the last minute`],
    ]);
    return { json: o, text };
  },
};
