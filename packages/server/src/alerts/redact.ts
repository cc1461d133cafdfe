/**
 * A webhook URL is often a credential (a Slack hook's path is its key), so it is shown, audited
 * and stored in errors as its origin only: scheme, host and port, without user, path or query.
 */
export function urlOrigin(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return "(an invalid URL)";
  }
}

const URL_IN_TEXT = /\bhttps?:\/\/[^\s"'<>]+/gi;

/** `text` with every http(s) URL in it cut to `<origin>/…` (errors, including rows stored before this rule). */
export function redactUrls(text: string): string {
  return text.replace(URL_IN_TEXT, (url) => `${urlOrigin(url)}/…`);
}
