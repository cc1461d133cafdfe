import { FILTERED_AUDIT_TYPES, ZAuditExportInput, ZAuditListInput } from "@sls/server/contracts";
import { type Command, checked, stringOption, timeAgo, wholeNumber } from "../command.ts";
import { table, when } from "../output.ts";

const NAMES = {
  "filter.from": "--since",
  "filter.to": "--until",
  "filter.types": "--type",
  "filter.serial": "--serial",
};

export const audit: Command = {
  name: "audit",
  arity: { min: 0, max: 0 },
  summary: "The audit log, newest first, with the console's filters; `--csv` exports it as the console does.",
  details: [
    `TYPE is one of: ${FILTERED_AUDIT_TYPES.join(", ")}.`,
    "TIME is ISO 8601 (2026-12-01T00:00:00Z) or a span back from now: 30m, 24h, 7d.",
  ],
  options: {
    since: { type: "string", value: "TIME", description: "events at or after TIME" },
    until: { type: "string", value: "TIME", description: "events at or before TIME" },
    type: { type: "string", multiple: true, value: "TYPE", description: "only events of this type (repeat for more)" },
    serial: { type: "string", value: "SERIAL", description: "only events of this participant" },
    actor: { type: "string", value: "PREFIX", description: "only events whose actor starts with PREFIX (admin:alice)" },
    page: { type: "string", value: "N", description: "the page to show (default 1)" },
    "page-size": { type: "string", value: "N", description: "rows per page, 10 to 200 (default 50)" },
    csv: { type: "boolean", description: "every matching event as CSV (up to the console's export limit)" },
  },
  async run({ api, options, now }) {
    const filter = {
      from: timeAgo(stringOption(options, "since"), "--since", now),
      to: timeAgo(stringOption(options, "until"), "--until", now),
      types: options.type,
      serial: stringOption(options, "serial"),
      actor: stringOption(options, "actor"),
    };
    if (options.csv) {
      const exported = await api.admin.audit.export.query(checked(ZAuditExportInput, { filter }, NAMES));
      const note = exported.truncated ? `\n# truncated at ${exported.rows} rows: narrow the filter` : "";
      return { json: exported, text: `${exported.csv.trimEnd()}${note}` };
    }
    const input = checked(
      ZAuditListInput,
      {
        filter,
        page: wholeNumber(stringOption(options, "page"), "--page"),
        pageSize: wholeNumber(stringOption(options, "page-size"), "--page-size"),
      },
      { ...NAMES, page: "--page", pageSize: "--page-size" },
    );
    const page = await api.admin.audit.list.query(input);
    const rows = table(page.rows, [
      ["AT", (e) => when(e.at)],
      ["TYPE", (e) => e.type],
      ["ACTOR", (e) => e.actor],
      ["SERIAL", (e) => e.serial],
      ["GRANTED", (e) => (e.grantedDelta === 0 ? null : e.grantedDelta)],
      ["PENDING", (e) => (e.pendingDelta === 0 ? null : e.pendingDelta)],
      ["DETAIL", (e) => e.detail],
    ]);
    const pages = Math.max(1, Math.ceil(page.total / page.pageSize));
    return { json: page, text: `${rows}\npage ${page.page} of ${pages}, ${page.total} events` };
  },
};
