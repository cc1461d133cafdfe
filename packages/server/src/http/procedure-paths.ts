export const TRPC_BASE_PATH = "/api/trpc/";

/** A procedure's name as the routers spell them: dot-separated words (`admin.overview.get`). */
const PROCEDURE_NAME = /^[A-Za-z][A-Za-z0-9]*(\.[A-Za-z][A-Za-z0-9]*)*$/;

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
