import { describe, expect, it } from "vitest";
import { LocalDestinationError, localKind, resolveDestination } from "./destinations.ts";

describe("alert destinations", () => {
  it("names loopback, link-local and unspecified addresses, IPv4-mapped forms included", () => {
    for (const address of ["127.0.0.1", "127.255.0.9", "::1", "::ffff:127.0.0.1", "::ffff:7f00:1"])
      expect(localKind(address), address).toBe("loopback");
    for (const address of ["169.254.169.254", "fe80::1", "febf::1", "::ffff:169.254.0.1"])
      expect(localKind(address), address).toBe("link-local");
    for (const address of ["0.0.0.0", "0.1.2.3", "::"]) expect(localKind(address), address).toBe("unspecified");
  });

  it("leaves private and public ranges alone (the operator's own collectors live there)", () => {
    for (const address of [
      "10.0.0.1",
      "172.16.5.4",
      "192.168.1.10",
      "fc00::1",
      "fd12::3",
      "8.8.8.8",
      "2001:db8::1",
      "128.0.0.1",
      "fec0::1",
    ])
      expect(localKind(address), address).toBeNull();
  });

  it("refuses a local literal or name unless allowed, without a connection", async () => {
    await expect(resolveDestination("[::1]", false)).rejects.toThrow(LocalDestinationError);
    await expect(resolveDestination("localhost", false)).rejects.toThrow(/loopback address \(it resolves to/);
    expect(await resolveDestination("127.0.0.1", true)).toEqual([{ address: "127.0.0.1", family: 4 }]);
    expect(await resolveDestination("10.1.2.3", false)).toEqual([{ address: "10.1.2.3", family: 4 }]);
  });
});
