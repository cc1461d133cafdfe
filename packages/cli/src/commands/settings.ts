import {
  ZBackupInput,
  ZOperationInput,
  ZPoolSizeInput,
  ZRefreshIntervalInput,
  ZSecretInput,
} from "@sls/server/contracts";
import type { Api } from "../client.ts";
import { type Command, checked, wholeNumber } from "../command.ts";
import { UsageError } from "../failures.ts";
import { fields, when } from "../output.ts";

type Settings = Awaited<ReturnType<Api["admin"]["settings"]["get"]["query"]>>;

function settingsText(s: Settings): string {
  return fields([
    ["refreshIntervalSec", s.refreshIntervalSec],
    ["poolSize", `${s.poolSize} (${s.granted} granted)`],
    ["enabled", s.enabled],
    ["approvalRequired", s.approvalRequired],
    ["alertThresholdPct", s.alertThresholdPct],
    [
      "backup",
      s.backup
        ? `${s.backup.address},${s.backup.serial}${s.backup.peerSerial ? `,${s.backup.peerSerial}` : ""}`
        : "none",
    ],
    ["secret", s.secretSet ? `set, changed ${when(s.secretChangedAt) ?? "at setup"}` : "NOT SET"],
  ]);
}

function flag(value: string, key: string): boolean {
  if (/^(true|on|yes)$/i.test(value)) return true;
  if (/^(false|off|no)$/i.test(value)) return false;
  throw new UsageError(`${key}: must be true or false, not ${JSON.stringify(value)}`);
}

/** Each key `settings set` takes: how its value is read and which procedure changes it. */
const SETTERS: Record<string, { value: string; set(api: Api, value: string): Promise<string | null> }> = {
  refreshIntervalSec: {
    value: "seconds between an appliance's refreshes",
    async set(api, value) {
      await api.admin.settings.setRefreshInterval.mutate(
        checked(ZRefreshIntervalInput, { refreshIntervalSec: wholeNumber(value, "refreshIntervalSec") }),
      );
      return null;
    },
  },
  poolSize: {
    value: "sessions in the shared pool",
    async set(api, value) {
      const answer = await api.admin.settings.setPoolSize.mutate(
        checked(ZPoolSizeInput, { poolSize: wholeNumber(value, "poolSize") }),
      );
      return answer.served > 0 ? `${answer.served} pending sessions granted from the larger pool.` : null;
    },
  },
  enabled: { value: "true or false: whether the server grants sessions", set: operation("enabled") },
  approvalRequired: {
    value: "true or false: whether new participants wait for approval",
    set: operation("approvalRequired"),
  },
  alertThresholdPct: { value: "utilisation (%) that raises an alert", set: operation("alertThresholdPct") },
  backup: {
    value: "none, or ADDRESS,SERIAL[,PEERSERIAL] of the backup server",
    async set(api, value) {
      const [address, serial, peerSerial] = value.split(",").map((part) => part.trim());
      const backup = value === "none" ? null : { address, serial, peerSerial: peerSerial ?? null };
      await api.admin.settings.setBackup.mutate(checked(ZBackupInput, { backup }, { backup: "backup" }));
      return null;
    },
  },
};

/** The three operation settings change together: the others keep their current values. */
function operation(key: "enabled" | "approvalRequired" | "alertThresholdPct") {
  return async (api: Api, value: string): Promise<null> => {
    const now = await api.admin.settings.get.query();
    const next = {
      enabled: now.enabled,
      approvalRequired: now.approvalRequired,
      alertThresholdPct: now.alertThresholdPct,
    };
    const parsed = key === "alertThresholdPct" ? wholeNumber(value, key) : flag(value, key);
    await api.admin.settings.setOperation.mutate(checked(ZOperationInput, { ...next, [key]: parsed }));
    return null;
  };
}

export const settingsGet: Command = {
  name: "settings get",
  arity: { min: 0, max: 0 },
  summary: "The server's settings (never the shared secret itself).",
  async run({ api }) {
    const settings = await api.admin.settings.get.query();
    return { json: settings, text: settingsText(settings) };
  },
};

export const settingsSet: Command = {
  name: "settings set",
  args: "KEY VALUE",
  arity: { min: 2, max: 2 },
  summary: "Change one setting; the shared secret is changed with `sls secret rotate`.",
  details: ["KEY is one of:", ...Object.entries(SETTERS).map(([key, { value }]) => `  ${key.padEnd(18)}  ${value}`)],
  async run({ api, args }) {
    const [key, value] = args as [string, string];
    const setter = Object.hasOwn(SETTERS, key) ? SETTERS[key] : undefined;
    if (!setter)
      throw new UsageError(
        `KEY: ${JSON.stringify(key)} is not a setting; use one of ${Object.keys(SETTERS).join(", ")}`,
      );
    const note = await setter.set(api, value);
    const settings = await api.admin.settings.get.query();
    return { json: settings, text: [`Set ${key}.`, ...(note ? [note] : []), "", settingsText(settings)].join("\n") };
  },
};

export const secretRotate: Command = {
  name: "secret rotate",
  arity: { min: 0, max: 0 },
  summary: "Set a new shared secret, read from standard input (never from an argument, which `ps` shows).",
  details: [
    "One line is read (a final newline is dropped), e.g. `sls secret rotate < new-secret.txt`.",
    "Appliances registered already keep their tokens; each needs the new secret to register again.",
  ],
  async run({ api, readStdin }) {
    const secret = (await readStdin()).replace(/\r?\n$/, "");
    if (secret === "") throw new UsageError("the new secret is read from standard input, which was empty");
    if (secret.includes("\n")) throw new UsageError("standard input must hold the secret on one line");
    await api.admin.settings.setSecret.mutate(checked(ZSecretInput, { secret }, { secret: "the new secret" }));
    return { json: { ok: true }, text: "Shared secret changed." };
  },
};
