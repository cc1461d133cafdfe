import { randomInt } from "node:crypto";

/** What fresh-app.ts starts the app with; specs assert against the same values. */
export const SHARED_SECRET = "e2e-shared-secret";
export const POOL_SIZE = 500;
export const REFRESH_INTERVAL_SEC = 30;

/**
 * A serial no other test or run shares. Letters only, so that a figure looked for in the same
 * table row cannot match a digit of the serial by chance.
 */
export function uniqueSerial(prefix = "E2E"): string {
  const letters = Array.from({ length: 12 }, () => String.fromCharCode(97 + randomInt(26))).join("");
  return `${prefix}-${letters}`;
}

/** A figure as the UI may print it: `1234`, `1,234`, `1 234`, `1.234`. */
function figurePattern(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, "[,.\\s\\u00a0\\u202f]?");
}

/** Matches an element whose whole text is the figure `n`. */
export function figure(n: number): RegExp {
  return new RegExp(`^\\s*${figurePattern(n)}\\s*$`);
}

/** Matches the figure `n` standing alone inside a longer text, such as a table row. */
export function figureWithin(n: number): RegExp {
  return new RegExp(`(?<![\\d,.])${figurePattern(n)}(?![,.]?\\d)`);
}
