import { BlockList, isIP } from "node:net";

/**
 * Client addresses as the limiters and the trusted-proxy check see them. An IPv4 address mapped
 * into IPv6 (`::ffff:192.0.2.7`, what a dual-stack socket reports) is the IPv4 address.
 */
export function normalizeAddress(address: string): string {
  const trimmed = address.trim().replace(/^\[(.*)\]$/, "$1");
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(trimmed);
  return mapped?.[1] ?? trimmed.toLowerCase();
}

/**
 * The keys an address is counted under. `address`: an IPv4 address or an IPv6 /128 by itself.
 * `network`: for IPv6 only, its /64, which has a larger budget of its own above the /128s: one
 * subscriber or host is routinely given a whole /64 and could otherwise spread its guesses over
 * 2^64 keys, while an appliance LAN is one /64 too, so one unit's failures must not stop the
 * others. Anything that is not an address (a test's label) is kept as it is, without a network.
 */
export function limiterKeysOf(address: string): { address: string; network: string | null } {
  const normal = normalizeAddress(address);
  if (isIP(normal) !== 6) return { address: normal, network: null };
  const groups = expandIPv6(normal);
  return { address: groups.join(":"), network: `${groups.slice(0, 4).join(":")}::/64` };
}

/** The eight 16-bit groups of an IPv6 address, as lower-case hex without leading zeros. */
function expandIPv6(address: string): string[] {
  const withoutZone = address.split("%")[0] ?? address;
  // A trailing dotted IPv4 part (e.g. 64:ff9b::192.0.2.1) stands for the last two groups.
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(withoutZone);
  let text = withoutZone;
  if (dotted) {
    const [a, b, c, d] = dotted.slice(1).map(Number) as [number, number, number, number];
    text = `${withoutZone.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = "", tail] = text.split("::");
  const left = head === "" ? [] : head.split(":");
  const right = tail === undefined || tail === "" ? [] : tail.split(":");
  const zeros = tail === undefined ? [] : Array<string>(8 - left.length - right.length).fill("0");
  return [...left, ...zeros, ...right].map((group) => Number.parseInt(group, 16).toString(16));
}

/**
 * A set of addresses and CIDR ranges (`SLS_TRUST_PROXY`: the reverse proxies in front of this
 * server). Entries are checked when they are read, so a typo stops the start with its text.
 */
export class AddressSet {
  private readonly list = new BlockList();
  readonly size: number;

  constructor(entries: readonly string[]) {
    for (const entry of entries) this.add(entry);
    this.size = entries.length;
  }

  static parse(text: string | undefined): AddressSet {
    return new AddressSet(
      (text ?? "")
        .split(",")
        .map((entry) => entry.trim())
        .filter((entry) => entry !== ""),
    );
  }

  has(address: string): boolean {
    const normal = normalizeAddress(address);
    const family = isIP(normal);
    if (family === 0) return false;
    return this.list.check(normal, family === 6 ? "ipv6" : "ipv4");
  }

  private add(entry: string): void {
    const [address = "", prefixText, extra] = entry.split("/");
    const normal = normalizeAddress(address);
    const family = isIP(normal);
    const max = family === 6 ? 128 : 32;
    const prefix = prefixText === undefined ? max : Number(prefixText);
    if (family === 0 || extra !== undefined || !Number.isInteger(prefix) || prefix < 0 || prefix > max) {
      throw new Error(`"${entry}" is not an IP address or CIDR range (e.g. 10.0.0.5, 10.0.0.0/8, fd00::/8)`);
    }
    this.list.addSubnet(normal, prefix, family === 6 ? "ipv6" : "ipv4");
  }
}
