import type { Command } from "../command.ts";
import { alerts } from "./alerts.ts";
import { audit } from "./audit.ts";
import { capacity } from "./capacity.ts";
import { approve, participant, participants, release, remove } from "./participants.ts";
import { policyGet, policyPreview, policySave } from "./policy.ts";
import { secretRotate, settingsGet, settingsSet } from "./settings.ts";
import { status } from "./status.ts";
import { tokensCreate, tokensList, tokensRevoke } from "./tokens.ts";

/** Every command, in the order the help lists them. */
export const COMMANDS: readonly Command[] = [
  status,
  participants,
  participant,
  approve,
  release,
  remove,
  settingsGet,
  settingsSet,
  secretRotate,
  audit,
  capacity,
  alerts,
  tokensList,
  tokensCreate,
  tokensRevoke,
  policyGet,
  policyPreview,
  policySave,
];

/** Words that name a command by themselves: `sls tokens` lists them. */
export const ALIASES: Record<string, string> = { tokens: "tokens list" };
