import type { Server } from "node:http";
import type { Socket } from "node:net";
import { type AddressSet, limiterKeysOf, normalizeAddress } from "./ip-address.ts";

/** SLS_MAX_CONNECTIONS_PER_ADDRESS's default: room for a large fleet behind one NAT, a tenth of the global cap. */
export const DEFAULT_MAX_CONNECTIONS_PER_ADDRESS = 1_000;
/** An IPv6 /64 (one LAN or one subscriber) may hold this many times the per-address cap in all. */
const NETWORK_SHARE = 10;

/**
 * Closes at once every connection beyond `max` open ones from one client address, so that no
 * address can hold the whole of the listener's global cap (`maxConnections`). Connections are
 * counted when the TCP connection opens, before any TLS handshake or request: an idle socket
 * counts too. An IPv6 address is counted by itself (/128), like an IPv4 address, so the units of
 * one appliance LAN do not share a cap, and its /64 as a whole may hold ten times the cap, so a
 * host cannot spread over 2^64 addresses up to the global cap. Trusted reverse proxies
 * (SLS_TRUST_PROXY) carry many clients and are bounded by the global cap only.
 */
export function capConnectionsPerAddress(server: Server, max: number, trustedProxies?: AddressSet): void {
  const open = new Map<string, number>();
  const release = (key: string) => {
    const left = (open.get(key) ?? 1) - 1;
    if (left > 0) open.set(key, left);
    else open.delete(key);
  };
  server.on("connection", (socket: Socket) => {
    const peer = normalizeAddress(socket.remoteAddress ?? "unknown");
    if (trustedProxies?.has(peer)) return;
    const { address, network } = limiterKeysOf(peer);
    const count = (open.get(address) ?? 0) + 1;
    const networkCount = network === null ? 0 : (open.get(network) ?? 0) + 1;
    if (count > max || networkCount > max * NETWORK_SHARE) {
      socket.destroy();
      return;
    }
    open.set(address, count);
    if (network !== null) open.set(network, networkCount);
    socket.once("close", () => {
      release(address);
      if (network !== null) release(network);
    });
  });
}

/**
 * Closes a connection that has sent nothing `ms` after it opened (after its TLS handshake on
 * HTTPS, which `handshakeTimeout` bounds). Node's header timer starts only with the first byte,
 * so a silent socket would otherwise stay open for good and count against both caps; once a byte
 * has come, the header and request timeouts are in charge (an upgrade request included).
 */
export function closeSilentConnections(server: Server, ms: number, secure: boolean): void {
  server.on(secure ? "secureConnection" : "connection", (socket: Socket) => {
    const timer = setTimeout(() => {
      if (socket.bytesRead === 0) socket.destroy();
    }, ms);
    timer.unref();
    socket.once("close", () => clearTimeout(timer));
  });
}
