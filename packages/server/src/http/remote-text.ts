/** The longest text from the other server (an error message, an alert) that is stored or shown. */
export const REMOTE_TEXT_MAX_CHARS = 500;

// C0 and C1 controls (newlines and tabs included), DEL, the Unicode line and paragraph separators,
// and the bidirectional overrides and isolates that make a log line or a page read differently
// from what it holds.
const UNSAFE = /[\p{Cc}\p{Zl}\p{Zp}\u202a-\u202e\u2066-\u2069]+/gu;

/**
 * Text another server sent us, made safe to write into an audit row, a log line, the overview
 * or an alert channel: one line without control characters, at most `max` characters (cut with
 * an ellipsis). Anything that is not a string is turned into one first.
 */
export function remoteText(value: unknown, max = REMOTE_TEXT_MAX_CHARS): string {
  const text = (typeof value === "string" ? value : String(value)).replace(UNSAFE, " ").replace(/ {2,}/g, " ").trim();
  if (text.length <= max) return text;
  // The ellipsis counts; a cut through a surrogate pair drops its first half too.
  return `${text.slice(0, max - 1).replace(/[\ud800-\udbff]$/, "")}…`;
}
