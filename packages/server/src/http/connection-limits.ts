import type { Server } from "node:http";
import type { Socket } from "node:net";
import { type AddressSet, limiterKeyOf, normalizeAddress } from "./ip-address.ts";

/** SLS_MAX_CONNECTIONS_PER_ADDRESS's default: room for a large fleet behind one NAT, a tenth of the global cap. */
export const DEFAULT_MAX_CONNECTIONS_PER_ADDRESS = 1_000;

/**
 * Closes at once every connection beyond `max` open ones from one client address, so that no
 * address can hold the whole of the listener's global cap (`maxConnections`). Connections are
 * counted when the TCP connection opens, before any TLS handshake or request: an idle socket
 * counts too. Addresses are counted under the limiters' key (an IPv4 address by itself, an IPv6
 * address by its /64, which one host routinely holds whole). Trusted reverse proxies
 * (SLS_TRUST_PROXY) carry many clients and are bounded by the global cap only.
 */
export function capConnectionsPerAddress(server: Server, max: number, trustedProxies?: AddressSet): void {
  const open = new Map<string, number>();
  server.on("connection", (socket: Socket) => {
    const peer = normalizeAddress(socket.remoteAddress ?? "unknown");
    if (trustedProxies?.has(peer)) return;
    const key = limiterKeyOf(peer);
    const count = (open.get(key) ?? 0) + 1;
    if (count > max) {
      socket.destroy();
      return;
    }
    open.set(key, count);
    socket.once("close", () => {
      const left = (open.get(key) ?? 1) - 1;
      if (left > 0) open.set(key, left);
      else open.delete(key);
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
