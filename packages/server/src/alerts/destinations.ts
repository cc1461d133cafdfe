import dns from "node:dns/promises";
import { BlockList, isIP } from "node:net";

/**
 * Where alerts may go. Loopback, link-local and unspecified addresses are this machine (or its
 * cloud's metadata service at 169.254.169.254) rather than a receiver of alerts, so a channel may
 * point there only when SLS_ALERT_ALLOW_LOCAL_DESTINATIONS=on. Private ranges (10/8, 172.16/12,
 * 192.168/16, fc00::/7) stay allowed: the operator's own syslog collector and mail relay live there.
 */
const LOCAL_RANGES: Array<{ kind: string; list: BlockList }> = [
  {
    kind: "loopback",
    list: ranges([
      ["127.0.0.0", 8, "ipv4"],
      ["::1", 128, "ipv6"],
    ]),
  },
  {
    kind: "link-local",
    list: ranges([
      ["169.254.0.0", 16, "ipv4"],
      ["fe80::", 10, "ipv6"],
    ]),
  },
  {
    kind: "unspecified",
    list: ranges([
      ["0.0.0.0", 8, "ipv4"],
      ["::", 128, "ipv6"],
    ]),
  },
];

function ranges(subnets: Array<[string, number, "ipv4" | "ipv6"]>): BlockList {
  const list = new BlockList();
  for (const [network, prefix, family] of subnets) list.addSubnet(network, prefix, family);
  return list;
}

/** `loopback`, `link-local` or `unspecified` for such an address (IPv4-mapped forms included), else null. */
export function localKind(address: string): string | null {
  const family = isIP(address) === 6 ? "ipv6" : "ipv4";
  return LOCAL_RANGES.find(({ list }) => list.check(address, family))?.kind ?? null;
}

export interface Destination {
  address: string;
  family: 4 | 6;
}

/** A destination that is local while local destinations are not allowed; the message says what to do. */
export class LocalDestinationError extends Error {}

/** A host as typed (`[::1]` as in a URL) without its brackets. */
export function bareHost(host: string): string {
  return host.startsWith("[") && host.endsWith("]") ? host.slice(1, -1) : host;
}

/**
 * The addresses `host` stands for (itself when it is one; else the system resolver's answer, as a
 * connection would see it), or a LocalDestinationError when any of them is local and
 * `allowLocal` is false. Resolver failures are thrown as they are.
 */
export async function resolveDestination(host: string, allowLocal: boolean): Promise<Destination[]> {
  const name = bareHost(host);
  const family = isIP(name);
  const addresses: Destination[] =
    family !== 0
      ? [{ address: name, family: family as 4 | 6 }]
      : (await dns.lookup(name, { all: true })).map((a) => ({ address: a.address, family: a.family as 4 | 6 }));
  if (!allowLocal) {
    for (const { address } of addresses) {
      const kind = localKind(address);
      if (kind) {
        const resolved = address === name ? "" : ` (it resolves to ${address})`;
        throw new LocalDestinationError(
          `${name} is a ${kind} address${resolved}: alerts do not go to this machine's own or link-local addresses unless SLS_ALERT_ALLOW_LOCAL_DESTINATIONS=on`,
        );
      }
    }
  }
  return addresses;
}
