// Issue 10, finding 5: behind a load balancer every client must not share the balancer's address,
// and nobody else may choose their own address with a header.
import type { IncomingMessage } from "node:http";
import { describe, expect, it } from "vitest";
import { loadEnv } from "../env.ts";
import { AddressSet, limiterKeysOf } from "./ip-address.ts";
import { remoteAddressOf } from "./remote-address.ts";

function request(peer: string, forwardedFor?: string | string[]): IncomingMessage {
  return {
    socket: { remoteAddress: peer },
    headers: forwardedFor === undefined ? {} : { "x-forwarded-for": forwardedFor },
  } as unknown as IncomingMessage;
}

describe("remoteAddressOf", () => {
  const proxies = AddressSet.parse("10.0.0.0/8, 2001:db8:ffff::1");

  it("ignores X-Forwarded-For unless the connection comes from a trusted proxy", () => {
    expect(remoteAddressOf(request("198.51.100.9", "192.0.2.1"))).toBe("198.51.100.9");
    expect(remoteAddressOf(request("198.51.100.9", "192.0.2.1"), proxies)).toBe("198.51.100.9");
    expect(remoteAddressOf(request("::ffff:198.51.100.9"), proxies)).toBe("198.51.100.9");
  });

  it("takes the rightmost address that is not a trusted proxy", () => {
    expect(remoteAddressOf(request("10.0.0.5", "192.0.2.1"), proxies)).toBe("192.0.2.1");
    expect(remoteAddressOf(request("10.0.0.5", "6.6.6.6, 192.0.2.1, 10.1.2.3"), proxies)).toBe("192.0.2.1");
    expect(remoteAddressOf(request("10.0.0.5", ["6.6.6.6", "192.0.2.1:5123"]), proxies)).toBe("192.0.2.1");
    expect(remoteAddressOf(request("::ffff:10.0.0.5", "[2001:db8::7]:443"), proxies)).toBe("2001:db8::7");
    expect(remoteAddressOf(request("2001:db8:ffff::1", "2001:db8::8"), proxies)).toBe("2001:db8::8");
  });

  it("falls back to the proxy's own address when the header holds something else", () => {
    expect(remoteAddressOf(request("10.0.0.5", "192.0.2.1, not-an-address"), proxies)).toBe("10.0.0.5");
    expect(remoteAddressOf(request("10.0.0.5"), proxies)).toBe("10.0.0.5");
    expect(remoteAddressOf(request("10.0.0.5", "10.0.0.6, 10.0.0.7"), proxies)).toBe("10.0.0.6");
  });
});

describe("addresses as the limiters count them", () => {
  it("keys IPv6 by its /128 with its /64 above it, in every spelling; IPv4 by itself", () => {
    const network = "2001:db8:1:2::/64";
    expect(limiterKeysOf("2001:db8:1:2::1")).toEqual({ address: "2001:db8:1:2:0:0:0:1", network });
    expect(limiterKeysOf("2001:0DB8:0001:0002:0000:0000:0000:0001")).toEqual(limiterKeysOf("2001:db8:1:2::1"));
    expect(limiterKeysOf("[2001:db8:1:2::5]")).toEqual({ address: "2001:db8:1:2:0:0:0:5", network });
    expect(limiterKeysOf("2001:db8:1:2:ffff:ffff:ffff:ffff").network).toBe(network);
    expect(limiterKeysOf("::1")).toEqual({ address: "0:0:0:0:0:0:0:1", network: "0:0:0:0::/64" });
    expect(limiterKeysOf("64:ff9b::192.0.2.1")).toEqual({
      address: "64:ff9b:0:0:0:0:c000:201",
      network: "64:ff9b:0:0::/64",
    });
    expect(limiterKeysOf("::ffff:192.0.2.1")).toEqual({ address: "192.0.2.1", network: null });
    expect(limiterKeysOf("192.0.2.1")).toEqual({ address: "192.0.2.1", network: null });
  });

  it("refuses a trusted-proxy list with anything but addresses and ranges, quoting the entry", () => {
    expect(() => AddressSet.parse("10.0.0.0/8, proxy.example")).toThrow(
      '"proxy.example" is not an IP address or CIDR range',
    );
    expect(() => AddressSet.parse("10.0.0.0/33")).toThrow('"10.0.0.0/33"');
    expect(AddressSet.parse(undefined).size).toBe(0);
    expect(() => loadEnv({ SLS_TRUST_PROXY: "10.0.0.1, proxy.example" })).toThrow(
      /SLS_TRUST_PROXY: "proxy.example" is not an IP address/,
    );
    expect(loadEnv({ SLS_TRUST_PROXY: "10.0.0.1, fd00::/8" }).SLS_TRUST_PROXY).toBe("10.0.0.1, fd00::/8");
  });
});
