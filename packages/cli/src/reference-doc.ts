import { readFileSync } from "node:fs";
import path from "node:path";
import { reference } from "./help.ts";

/** The page whose CLI reference is written from the CLI's own help. */
export const AUTOMATION_PAGE = "docs/automation.md";
const START = "<!-- generated from the CLI's help: npm run pnpm -- --filter @sls/cli reference -->";
const END = "<!-- end generated -->";
export const REGENERATE_HINT = "run `npm run pnpm -- --filter @sls/cli reference` to write it again from the help";

/** The page as committed, and as it is with the reference written from the help now. */
export function automationPage(root = path.resolve(import.meta.dirname, "../../..")): {
  file: string;
  committed: string;
  expected: string;
} {
  const file = path.join(root, AUTOMATION_PAGE);
  const committed = readFileSync(file, "utf8");
  const start = committed.indexOf(START);
  const end = committed.indexOf(END, start);
  if (start < 0 || end < 0) throw new Error(`${AUTOMATION_PAGE} has no markers "${START}" … "${END}"`);
  const expected = `${committed.slice(0, start + START.length)}\n\n${reference()}\n\n${committed.slice(end)}`;
  return { file, committed, expected };
}
