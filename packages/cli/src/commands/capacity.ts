import { type Command, stringOption, wholeNumber } from "../command.ts";
import { fields, table, when } from "../output.ts";

export const capacity: Command = {
  name: "capacity",
  arity: { min: 0, max: 0 },
  summary: "Capacity history: peaks, unmet demand and the pool size it needed, per day and per participant.",
  options: { days: { type: "string", value: "N", description: "the period: 7, 30 or 90 days (default 30)" } },
  async run({ api, options }) {
    const days = wholeNumber(stringOption(options, "days"), "--days") ?? 30;
    // The server checks the period (7, 30 or 90) and names the allowed values when it refuses.
    const report = await api.admin.capacity.report.query({ days: days as 7 | 30 | 90 });
    const t = report.total;
    const summary = fields([
      ["Period", `${report.days} days, ${when(report.from)} to ${when(report.to)}`],
      ["Pool size", `${t.poolSize} now; ${t.poolSizeNeeded} would have met every demand`],
      ["Peaks", `${t.peakGranted} granted, ${t.peakInUse} in use (${t.peakInUseFromPool} from the pool)`],
      ["Unmet", `${t.unmetSessionMinutes} session-minutes, ${t.dryEvents} times the pool ran dry`],
      ["Sampled", `${t.minutesSampled} minutes`],
    ]);
    const daily = table(
      report.daily,
      [
        ["DAY", (d) => d.at.slice(0, 10)],
        ["POOL", (d) => d.poolSize],
        ["PEAK GRANTED", (d) => d.peakGranted],
        ["PEAK IN USE", (d) => d.peakInUse],
        ["PEAK DEMAND", (d) => d.peakDemand],
        ["UNMET MIN", (d) => d.unmetSessionMinutes],
        ["DRY", (d) => d.dryEvents],
      ],
      "(no samples yet)",
    );
    return { json: report, text: `${summary}\n\n${daily}` };
  },
};
