import os from "node:os";

/**
 * The host names the console answers to. A DNS-rebinding page reaches the server under the
 * attacker's own name (its Origin and Host then agree, so the same-origin check passes); refusing
 * every Host that is not one of this machine's names or addresses is what stops it.
 */
export class AllowedHosts {
  private readonly names: ReadonlySet<string>;

  constructor(names: Iterable<string>) {
    this.names = new Set([...names].map(normalise).filter((name) => name !== ""));
  }

  /** From SLS_ALLOWED_HOSTS (comma-separated), or the defaults when it is unset. */
  static from(setting: string | undefined): AllowedHosts {
    return new AllowedHosts(setting ? setting.split(",") : defaultHostNames());
  }

  /** Whether a `Host` (or `X-Forwarded-Host`) header names this console; the port does not matter. */
  allows(hostHeader: string): boolean {
    return this.names.has(normalise(hostnameOf(hostHeader)));
  }

  list(): string[] {
    return [...this.names].sort();
  }
}

/** Loopback, this machine's host name (short and as given) and every interface address. */
export function defaultHostNames(): string[] {
  const hostname = os.hostname();
  const addresses = Object.values(os.networkInterfaces()).flatMap((entries) =>
    (entries ?? []).map((entry) => entry.address),
  );
  return ["localhost", "127.0.0.1", "::1", hostname, hostname.split(".")[0] ?? hostname, ...addresses];
}

/** `example.net:3000` → `example.net`; `[::1]:3000` → `::1`. */
function hostnameOf(hostHeader: string): string {
  const trimmed = hostHeader.trim();
  if (trimmed.startsWith("[")) {
    const end = trimmed.indexOf("]");
    return end < 0 ? trimmed.slice(1) : trimmed.slice(1, end);
  }
  const colons = trimmed.split(":").length - 1;
  // One colon separates a port; more than one is a bare IPv6 address (not valid in Host, but harmless).
  return colons === 1 ? trimmed.slice(0, trimmed.indexOf(":")) : trimmed;
}

function normalise(name: string): string {
  return name
    .trim()
    .replace(/^\[|\]$/g, "")
    .replace(/\.$/, "")
    .toLowerCase();
}
