import { describe, expect, it } from "vitest";
import { COMMANDS } from "../src/commands/index.ts";
import { AUTOMATION_PAGE, automationPage, REGENERATE_HINT } from "../src/reference-doc.ts";

// docs/automation.md carries the CLI's help, generated: a command or option changed without
// writing the page again fails here.
describe("the CLI reference in docs/automation.md", () => {
  it("is the CLI's help as it is now", () => {
    const { committed, expected } = automationPage();
    expect(committed, `${AUTOMATION_PAGE} differs from the CLI's help: ${REGENERATE_HINT}`).toBe(expected);
  });

  it("has a section for every command", () => {
    const { committed } = automationPage();
    for (const command of COMMANDS) expect(committed).toContain(`#### \`sls ${command.name}\``);
  });
});
