import { describe, expect, it } from "vitest";
import { providerAccountName } from "./provider-account-name.ts";
import { groupsIn, roleFromGroups } from "./sso-settings.ts";

const mapping = { adminGroups: ["ops-admins"], viewerGroups: ["noc", "ops-admins-readonly"] };

describe("roles from the provider's groups", () => {
  it("gives admin over viewer, and nothing to someone in neither", () => {
    expect(roleFromGroups(["noc", "ops-admins"], mapping)).toBe("admin");
    expect(roleFromGroups(["noc"], mapping)).toBe("viewer");
    expect(roleFromGroups(["ops-admin", "NOC", "staff"], mapping)).toBeNull();
    expect(roleFromGroups([], mapping)).toBeNull();
  });

  it("reads the claim as a list or a single name, and nothing else", () => {
    expect(groupsIn({ groups: ["a", 3, "b"] }, "groups")).toEqual(["a", "b"]);
    expect(groupsIn({ roles: "noc" }, "roles")).toEqual(["noc"]);
    expect(groupsIn({ groups: { a: true } }, "groups")).toEqual([]);
    expect(groupsIn({}, "groups")).toEqual([]);
  });
});

describe("provider account names", () => {
  const free = async () => false;
  it("folds the user name into the account-name rules", async () => {
    expect(await providerAccountName({ preferred_username: "Jane.Doe", sub: "x" }, free)).toBe("jane.doe");
    expect(await providerAccountName({ email: "J Doe@Example.net", sub: "x" }, free)).toBe("j-doe@example.net");
    expect(await providerAccountName({ sub: "--Ω--" }, free)).toBe("sso-user");
  });

  it("adds a number when the name is taken", async () => {
    const taken = new Set(["alice", "alice-2"]);
    expect(await providerAccountName({ preferred_username: "alice" }, async (n) => taken.has(n))).toBe("alice-3");
  });
});
