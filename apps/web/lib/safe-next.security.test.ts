// Run with Node's own test runner (`pnpm --filter @sls/web test`): the web app has few unit
// tests, and this keeps vitest and its dependencies out of the UI package.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { safeNext } from "./safe-next.ts";

const REFUSED = [
  "/\\evil.example",
  "/\\/evil.example",
  "//evil.example",
  "///evil.example",
  "https://evil.example",
  "javascript:alert(1)",
  "/%2Fevil.example",
  "/%2f%2fevil.example",
  "/%5Cevil.example",
  "/%5cevil.example",
  "/\t/evil.example",
  "/\n/evil.example",
  "/%09/evil.example",
  "/%E0%A4%A",
  "evil.example",
  "",
];

const KEPT: Array<[string, string]> = [
  ["/settings", "/settings"],
  ["/participants/ASA-01?tab=history", "/participants/ASA-01?tab=history"],
  ["/audit?types=admin.login#top", "/audit?types=admin.login#top"],
  ["/", "/"],
];

describe("safeNext: the login page is no open redirector", () => {
  for (const raw of REFUSED) {
    it(`refuses ${JSON.stringify(raw)}`, () => assert.equal(safeNext(raw), "/"));
  }

  it("refuses a missing value", () => assert.equal(safeNext(null), "/"));

  for (const [raw, expected] of KEPT) {
    it(`keeps the console path ${JSON.stringify(raw)}`, () => assert.equal(safeNext(raw), expected));
  }

  it("lands every value on this origin", () => {
    for (const raw of [...REFUSED, ...KEPT.map(([path]) => path)]) {
      assert.equal(new URL(safeNext(raw), "https://console.example").origin, "https://console.example", raw);
    }
  });
});
