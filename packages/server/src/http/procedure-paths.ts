export const TRPC_BASE_PATH = "/api/trpc/";

/** A procedure's name as the routers spell them: dot-separated words (`admin.overview.get`). */
const NAME = "[A-Za-z][A-Za-z0-9]*(?:\\.[A-Za-z][A-Za-z0-9]*)*";
const PROCEDURE_NAME = new RegExp(`^${NAME}$`);
/**
 * Names and commas only (the common case): the URL parser and decoding would leave such a path
 * as it is, so it is split without them (they cost more than the rest of a refused call).
 */
const PLAIN_NAMES = new RegExp(`^${NAME}(?:,${NAME})*$`);

/**
 * The procedures a request under TRPC_BASE_PATH names, derived the way tRPC's adapter derives
 * them (the URL's pathname after the base path, decoded, split on "," for a batch), or null when
 * the request does not name procedures plainly: a path the URL parser would rewrite (`..`, `.`,
 * their `%2e` spellings), an absolute-form target, `//`, an empty name, or anything but procedure
 * names once decoded. The Host check (app-server.ts) and the handlers all read this, so the
 * procedure the check sees is the one that runs.
 */
export function procedurePaths(url: string): string[] | null {
  const raw = url.split("?")[0]!.split("#")[0]!;
  if (!raw.startsWith(TRPC_BASE_PATH)) return null;
  const rest = raw.slice(TRPC_BASE_PATH.length);
  if (PLAIN_NAMES.test(rest)) return rest.split(",");
  let pathname: string;
  let names: string[];
  try {
    pathname = new URL(url, "http://localhost").pathname;
    names = decodeURIComponent(pathname.slice(TRPC_BASE_PATH.length)).split(",");
  } catch {
    return null;
  }
  if (pathname !== raw) return null;
  return names.every((name) => PROCEDURE_NAME.test(name)) ? names : null;
}
