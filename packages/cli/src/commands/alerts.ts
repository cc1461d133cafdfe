import type { Command } from "../command.ts";
import { table, when } from "../output.ts";

export const alerts: Command = {
  name: "alerts",
  arity: { min: 0, max: 0 },
  summary: "The alerts raised lately, newest first, with how each was delivered.",
  async run({ api }) {
    const list = await api.admin.alerts.list.query();
    const text = table(list, [
      ["RAISED", (a) => when(a.raisedAt)],
      ["SEVERITY", (a) => a.severity],
      ["KIND", (a) => a.kind],
      ["MESSAGE", (a) => a.message],
      ["DELIVERIES", (a) => a.deliveries.map((d) => `${d.channel} ${d.status}`).join(", ") || null],
    ]);
    return { json: list, text };
  },
};
