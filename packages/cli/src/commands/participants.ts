import { PARTICIPANT_SORT_KEYS, PARTICIPANT_STATES, ZParticipantListInput } from "@sls/server/contracts";
import { type Command, checked, stringOption, wholeNumber } from "../command.ts";
import { fields, table, when } from "../output.ts";

const serialArg = { args: "SERIAL", arity: { min: 1, max: 1 } } as const;

export const participants: Command = {
  name: "participants",
  arity: { min: 0, max: 0 },
  summary: "List the participants a page at a time, with the console's filters.",
  options: {
    state: { type: "string", value: "STATE", description: `only this state: ${PARTICIPANT_STATES.join(", ")}` },
    search: { type: "string", value: "TEXT", description: "serial, hostname or model containing TEXT (any case)" },
    sort: { type: "string", value: "KEY", description: `sort by ${PARTICIPANT_SORT_KEYS.join(", ")} (default serial)` },
    desc: { type: "boolean", description: "sort in descending order" },
    page: { type: "string", value: "N", description: "the page to show (default 1)" },
    "page-size": { type: "string", value: "N", description: "rows per page, 10 to 200 (default 50)" },
  },
  async run({ api, options }) {
    const input = checked(
      ZParticipantListInput,
      {
        state: stringOption(options, "state"),
        search: stringOption(options, "search"),
        sort: stringOption(options, "sort"),
        direction: options.desc ? "desc" : "asc",
        page: wholeNumber(stringOption(options, "page"), "--page"),
        pageSize: wholeNumber(stringOption(options, "page-size"), "--page-size"),
      },
      { state: "--state", search: "--search", sort: "--sort", page: "--page", pageSize: "--page-size" },
    );
    const page = await api.admin.participants.list.query(input);
    const pages = Math.max(1, Math.ceil(page.total / page.pageSize));
    const rows = table(page.rows, [
      ["SERIAL", (p) => p.serial],
      ["HOSTNAME", (p) => p.hostname],
      ["MODEL", (p) => p.model],
      ["STATE", (p) => p.state],
      ["GRANTED", (p) => p.granted],
      ["PENDING", (p) => p.pending],
      ["IN USE", (p) => p.inUse],
      ["LAST SEEN", (p) => when(p.lastSeenAt)],
    ]);
    return { json: page, text: `${rows}\npage ${page.page} of ${pages}, ${page.total} participants` };
  },
};

export const participant: Command = {
  name: "participant",
  ...serialArg,
  summary: "One participant: its limits, grant, pending demand, state and message counters.",
  async run({ api, args }) {
    const detail = await api.admin.participants.get.query({ serial: args[0]! });
    const p = detail.participant;
    const text = fields([
      ["Serial", p.serial],
      ["Hostname", p.hostname],
      ["Model", p.model],
      ["State", `${p.state}${p.approved ? "" : " (not approved)"}`],
      ["Granted", p.granted],
      ["Pending", p.pending],
      ["In use", `${p.inUse} (high water ${p.highWater})`],
      ["Limits", `platform ${p.platformLimit}, local ${p.localLimit}`],
      ["Failover peer", p.haPeerSerial],
      ["Registered", when(p.registeredAt)],
      ["Last seen", when(p.lastSeenAt)],
      ["Reclaimed", when(p.reclaimedAt)],
    ]);
    const counters = table(detail.counters, [
      ["MESSAGE", (c) => c.messageType],
      ["RECEIVED", (c) => c.received],
      ["ANSWERED", (c) => c.answered],
      ["FAILED", (c) => c.failed],
    ]);
    return { json: detail, text: `${text}\n\n${counters}` };
  },
};

export const approve: Command = {
  name: "approve",
  ...serialArg,
  summary: "Approve a participant that awaits approval, so its requests are granted.",
  async run({ api, args }) {
    const answer = await api.admin.participants.approve.mutate({ serial: args[0]! });
    return { json: answer, text: `Approved ${answer.serial}.` };
  },
};

/** Force-release and remove: both take back the participant's sessions and drop its pending demand. */
function reclaiming(name: string, summary: string, done: string, procedure: "forceRelease" | "remove"): Command {
  return {
    name,
    ...serialArg,
    summary,
    async run({ api, args }) {
      const answer = await api.admin.participants[procedure].mutate({ serial: args[0]! });
      return {
        json: answer,
        text: `${done} ${args[0]}: ${answer.freed} sessions taken back, ${answer.withdrawn} pending dropped.`,
      };
    },
  };
}

export const release = reclaiming(
  "release",
  "Force-release a participant: take back all its sessions and drop its pending demand.",
  "Released",
  "forceRelease",
);

export const remove = reclaiming(
  "remove",
  "Remove a participant: its sessions return to the pool and it must register again.",
  "Removed",
  "remove",
);
