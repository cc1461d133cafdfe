import path from "node:path";
import { type Page, test } from "@playwright/test";

const SHOTS = path.resolve(import.meta.dirname, "..", "docs", "screenshots");

/**
 * Saves the page as the README's `docs/screenshots/<name>.png`, only in `npm run screenshots`
 * (playwright.screenshots.config.ts sets `readmeScreenshots`): the browser tests never rewrite
 * the tracked images.
 */
export async function readmeShot(page: Page, name: string): Promise<void> {
  if (!test.info().config.metadata.readmeScreenshots) return;
  await page.mouse.move(0, 0);
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
}
