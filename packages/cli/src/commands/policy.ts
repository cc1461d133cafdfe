import { readFile } from "node:fs/promises";
import { ZPolicyDefinition } from "@sls/server/contracts";
import type { Api } from "../client.ts";
import { type Call, type Command, checked } from "../command.ts";
import { UsageError } from "../failures.ts";
import { fields, table, when } from "../output.ts";

type Result = Awaited<ReturnType<Command["run"]>>;
type Effect = Awaited<ReturnType<Api["admin"]["policy"]["preview"]["mutate"]>>;

const FILE_DETAILS = [
  'FILE holds the policy as JSON: { "groups": […], "poolPaused": false, "caps": {} }, or what',
  "`sls policy get --json` prints (its `definition` is taken). FILE `-` reads standard input.",
];

/** The policy in FILE, checked against the server's schema of a definition. */
async function definitionIn(file: string, readStdin: Call["readStdin"]) {
  let text: string;
  try {
    text = file === "-" ? await readStdin() : await readFile(file, "utf8");
  } catch (error) {
    throw new UsageError(`FILE: cannot read ${file}: ${(error as Error).message}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`FILE: ${file} is not JSON: ${(error as Error).message}`);
  }
  const body = parsed && typeof parsed === "object" && "definition" in parsed ? parsed.definition : parsed;
  return checked(ZPolicyDefinition, body);
}

function effectText(effect: Effect): string {
  const groups = table(effect.groups, [
    ["GROUP", (g) => g.name],
    ["MEMBERS", (g) => g.members],
    ["HELD", (g) => g.held],
    ["RESERVE", (g) => g.reserve],
    ["MAX", (g) => g.max],
    ["UNMET", (g) => g.unmet],
    ["PENDING", (g) => g.pending],
    ["SERVED", (g) => g.served],
  ]);
  return `${groups}\n${effect.served} pending sessions granted at once by this policy.`;
}

export const policyGet: Command = {
  name: "policy get",
  arity: { min: 0, max: 0 },
  summary: "The pool policy in force: its groups, pauses and caps.",
  async run({ api }) {
    const policy = await api.admin.policy.get.query();
    const d = policy.definition;
    const head = fields([
      ["Version", policy.version === null ? "none saved (one first-come-first-served pool)" : policy.version],
      ["Saved", policy.savedAt ? `${when(policy.savedAt)} by ${policy.savedBy}` : null],
      ["Pool paused", d.poolPaused],
      [
        "Caps",
        Object.entries(d.caps)
          .map(([serial, cap]) => `${serial}=${cap}`)
          .join(", ") || null,
      ],
    ]);
    const groups = table(
      d.groups,
      [
        ["GROUP", (g) => g.name],
        ["RESERVE", (g) => g.reserve],
        ["MAX", (g) => g.max],
        ["PRIORITY", (g) => g.priority],
        ["PAUSED", (g) => g.paused],
        ["MEMBERS", (g) => [...g.serials, ...g.patterns].join(" ")],
      ],
      "(no groups)",
    );
    return { json: policy, text: `${head}\n\n${groups}` };
  },
};

/** `policy preview` and `policy save`: the policy in FILE, sent to one procedure. */
function withPolicyFile(name: string, summary: string, send: (api: Api, call: Call) => Promise<Result>): Command {
  return {
    name,
    args: "FILE",
    arity: { min: 1, max: 1 },
    summary,
    details: FILE_DETAILS,
    run: (call) => send(call.api, call),
  };
}

export const policyPreview = withPolicyFile(
  "policy preview",
  "What saving the policy in FILE would do, per group; nothing is changed.",
  async (api, { args, readStdin }) => {
    const effect = await api.admin.policy.preview.mutate(await definitionIn(args[0]!, readStdin));
    return { json: effect, text: effectText(effect) };
  },
);

export const policySave = withPolicyFile(
  "policy save",
  "Put the policy in FILE in force, as a new version (the server checks it first).",
  async (api, { args, readStdin }) => {
    const saved = await api.admin.policy.save.mutate(await definitionIn(args[0]!, readStdin));
    return { json: saved, text: `Saved policy version ${saved.version}.\n${effectText(saved)}` };
  },
);
