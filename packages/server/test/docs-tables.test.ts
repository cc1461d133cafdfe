import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { docsTables, REGENERATE_HINT } from "../scripts/docs-tables.ts";
import { removeTemporaryFolder, temporaryFolder } from "./kit/temporary-folders.ts";

// docs/configuration.md and docs/reasons.md carry tables written from ENV_VARIABLES (src/env.ts)
// and REASONS (src/errors.ts): a variable or reason changed without regenerating them fails here.
describe("the docs tables generated from the code", () => {
  for (const { page, committed, expected } of docsTables()) {
    it(`${page} is what the code generates`, () => {
      expect(committed, `${page} differs from the code: ${REGENERATE_HINT}`).toBe(expected);
    });
  }
});

describe("docsTables", () => {
  const root = temporaryFolder("docs-tables");
  afterAll(() => removeTemporaryFolder(root));
  // Copies of the pages as the code generates them, edited, in a folder of their own.
  const generated = new Map(docsTables().map(({ page, expected }) => [page, expected]));
  const copy = (page: string, edit: (text: string) => string) => {
    mkdirSync(path.join(root, "docs"), { recursive: true });
    writeFileSync(path.join(root, page), edit(generated.get(page) ?? ""));
  };

  it("sees a table row edited by hand, and only the generated part is rewritten", () => {
    copy("docs/configuration.md", (text) => text.replace("| `PORT` | `3000` |", "| `PORT` | `8080` |"));
    copy("docs/reasons.md", (text) => `${text}\nA closing line of the page's own.\n`);
    const [configuration, reasons] = docsTables(root);
    expect(configuration?.committed).toContain("| `PORT` | `8080` |");
    expect(configuration?.expected).toContain("| `PORT` | `3000` |");
    expect(reasons?.committed).toBe(reasons?.expected);
    expect(reasons?.expected).toMatch(/A closing line of the page's own\.\n$/);
  });

  it("refuses a page that lost its markers", () => {
    copy("docs/reasons.md", (text) => text.replace("<!-- end generated -->", ""));
    expect(() => docsTables(root)).toThrow(/docs\/reasons\.md has no .*markers/);
  });
});
