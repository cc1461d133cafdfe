import { describe, expect, it } from "vitest";
import { sitesOf } from "./late-participants.ts";

describe("the sites a late digest names", () => {
  it("groups by pool-policy group, else by the hostname's domain, else by the hostname; largest first", () => {
    const at = (hostname: string, policyGroup: string | null = null) => ({ hostname, policyGroup });
    expect(
      sitesOf([
        at("fw1.branch-a.example.net"),
        at("fw2.branch-a.example.net"),
        at("fw3.branch-b.example.net"),
        at("fw4.dc.example.net", "datacentre"),
        at("fw5.branch-b.example.net", "datacentre"),
        at("fw6.branch-b.example.net", "default"),
        at("lonely"),
        at("trailing."),
      ]),
    ).toEqual([
      { site: "branch-a.example.net", count: 2 },
      { site: "branch-b.example.net", count: 2 },
      { site: "datacentre", count: 2 },
      { site: "lonely", count: 1 },
      { site: "trailing.", count: 1 },
    ]);
  });
});
