// Writes the CLI reference of docs/automation.md from the CLI's help; `--check` only compares.
import { writeFileSync } from "node:fs";
import { AUTOMATION_PAGE, automationPage, REGENERATE_HINT } from "../src/reference-doc.ts";

const { file, committed, expected } = automationPage();
if (process.argv.includes("--check")) {
  if (committed !== expected) {
    console.error(`${AUTOMATION_PAGE} differs from the CLI's help: ${REGENERATE_HINT}`);
    process.exit(1);
  }
  console.log(`${AUTOMATION_PAGE}: the CLI reference is up to date`);
} else if (committed === expected) {
  console.log(`${AUTOMATION_PAGE}: the CLI reference is up to date`);
} else {
  writeFileSync(file, expected);
  console.log(`rewrote the CLI reference of ${AUTOMATION_PAGE}`);
}
