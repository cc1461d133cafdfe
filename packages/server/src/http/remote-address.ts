import type { IncomingMessage } from "node:http";
import { isIP } from "node:net";
import { type AddressSet, normalizeAddress } from "./ip-address.ts";

/**
 * The client's address, which the limiters count failures under. Only when the connection comes
 * from a trusted reverse proxy (`SLS_TRUST_PROXY`) is `X-Forwarded-For` read, and then from the
 * right: each proxy appends the address it received the request from, so the rightmost address
 * that is not itself a trusted proxy is the client. Whatever stands left of it was written by the
 * client and could be anything. An entry that is not an address falls back to the proxy's own.
 */
export function remoteAddressOf(req: IncomingMessage, trustedProxies?: AddressSet): string {
  const peer = normalizeAddress(req.socket.remoteAddress ?? "unknown");
  if (!trustedProxies || !fromTrustedProxy(req, trustedProxies)) return peer;
  const hops = forwardedFor(req.headers["x-forwarded-for"]);
  let client = peer;
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = hops[i]!;
    if (isIP(hop) === 0) return peer;
    client = hop;
    if (!trustedProxies.has(hop)) break;
  }
  return client;
}

/**
 * Whether the connection itself comes from a trusted reverse proxy (`SLS_TRUST_PROXY`). Only then
 * are any `X-Forwarded-*` headers read: from anyone else they are whatever the client wrote.
 */
export function fromTrustedProxy(req: IncomingMessage, trustedProxies?: AddressSet): boolean {
  if (!trustedProxies || trustedProxies.size === 0) return false;
  return trustedProxies.has(normalizeAddress(req.socket.remoteAddress ?? "unknown"));
}

function forwardedFor(header: string | string[] | undefined): string[] {
  const joined = Array.isArray(header) ? header.join(",") : (header ?? "");
  return joined
    .split(",")
    .map((entry) => withoutPort(entry.trim()))
    .filter((entry) => entry !== "")
    .map(normalizeAddress);
}

/** `192.0.2.7:5123` → `192.0.2.7`, `[2001:db8::1]:443` → `2001:db8::1`; a bare IPv6 address is kept. */
function withoutPort(entry: string): string {
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(entry);
  if (bracketed) return bracketed[1]!;
  const v4 = /^(\d+\.\d+\.\d+\.\d+):\d+$/.exec(entry);
  return v4 ? v4[1]! : entry;
}
