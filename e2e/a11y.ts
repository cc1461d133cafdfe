import AxeBuilder from "@axe-core/playwright";
import { expect, type Page, test } from "@playwright/test";

/** The axe rules run: every rule of WCAG 2.0, 2.1 and 2.2 at levels A and AA (2.2 added no A rule). */
const WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"];

/** Impacts that fail a test; axe's `moderate` and `minor` findings are not WCAG failures on their own. */
const FAILING_IMPACTS = new Set(["serious", "critical"]);

/**
 * Rules of those tags turned off, each with why (docs/console.md lists them too). Empty: every
 * rule runs. A rule goes here only with a reason a reviewer can check, never to make a test pass.
 */
const RULES_OFF: Record<string, string> = {};

/** axe lists every way a node could have passed; the first few say enough. */
const MAX_WHY = 240;

type Violation = Awaited<ReturnType<AxeBuilder["analyze"]>>["violations"][number];

/** One line a node: where it is (axe's selector; ` >> ` into frames) and what axe measured there. */
function describe(violation: Violation): string[] {
  const head = `${violation.id} (${violation.impact}): ${violation.help} [${violation.nodes.length}]`;
  const nodes = violation.nodes.map((node) => {
    const where = node.target.map((part) => (Array.isArray(part) ? part.join(" >> ") : part)).join(" >> ");
    const why = (node.failureSummary ?? "")
      .split("\n")
      .slice(1)
      .map((line) => line.trim())
      .filter(Boolean)
      .join("; ");
    return `  ${where}: ${why.length > MAX_WHY ? `${why.slice(0, MAX_WHY)}…` : why}`;
  });
  return [head, ...nodes];
}

/**
 * Runs axe on the page as it is now and fails on any serious or critical violation of the WCAG
 * 2.2 A/AA rules, listing rule, impact and the selectors of the elements at fault. `context` names
 * the page and its state in the report ("overview, with participants"). Waits first for what is
 * loading (`aria-busy`), so that axe judges the page, not its placeholders.
 */
export async function expectAccessible(page: Page, context: string): Promise<void> {
  await test.step(
    `axe: ${context}`,
    async () => {
      await expect(page.locator('[aria-busy="true"]')).toHaveCount(0);
      const results = await new AxeBuilder({ page })
        .withTags(WCAG_TAGS)
        .disableRules(Object.keys(RULES_OFF))
        // One run inside the page. The default runs axe in every frame and then again in a blank
        // page of its own, to reach cross-origin frames, which the console has none of: about
        // twice the time for the same findings.
        .setLegacyMode(true)
        .analyze();
      const failing = results.violations.filter((violation) => FAILING_IMPACTS.has(violation.impact ?? ""));
      expect(failing.flatMap(describe), `axe: serious or critical WCAG 2.2 A/AA violations on ${context}`).toEqual([]);
    },
    // Boxed: a failure points at the spec's line that called this.
    { box: true },
  );
}
