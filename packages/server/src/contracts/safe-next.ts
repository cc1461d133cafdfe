const PROBE_ORIGIN = "http://console.invalid";

/**
 * Where to go after signing in, from `?next=`: only a path of this console. Anything a browser
 * could read as another site is refused and replaced by "/": absolute URLs, protocol-relative
 * `//host`, `/\host` (browsers treat `\` as `/`), their percent-encoded forms (`/%2F…`, `/%5C…`),
 * and control characters (a tab or newline inside `/\t/host` is dropped by URL parsing).
 */
export function safeNext(raw: string | null): string {
  if (!raw?.startsWith("/")) return "/";
  let decoded: string;
  try {
    decoded = decodeURIComponent(raw);
  } catch {
    return "/";
  }
  for (const form of [raw, decoded]) {
    // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what this refuses
    if (form.startsWith("//") || form.includes("\\") || /[\u0000-\u001f\u007f]/.test(form)) return "/";
  }
  const url = new URL(raw, PROBE_ORIGIN);
  if (url.origin !== PROBE_ORIGIN) return "/";
  return `${url.pathname}${url.search}${url.hash}`;
}
