// Usage: node e2e/perf/measure-console.mjs <app URL> [setup code file]
// Times the admin console against a running app (seeded with packages/db/scripts/seed-participants.ts):
// each API query over HTTP (median of 7, after one warm-up) and each page in Chromium from
// navigation until its data is on screen. Creates (or signs in as) the account `perf`.
import { readFileSync } from "node:fs";
import { chromium } from "@playwright/test";

const base = process.argv[2];
if (!base) {
  console.error("usage: node e2e/perf/measure-console.mjs <app URL>");
  process.exit(2);
}
const ACCOUNT = { name: "perf", password: "perf measurement password" };
const HEADERS = { "content-type": "application/json", "x-sls-console": "1" };

async function signIn() {
  const state = await (await fetch(`${base}/api/trpc/auth.state`)).json();
  const setup = state.result.data.setupRequired;
  if (setup && !process.argv[3])
    throw new Error("the console is not set up yet: pass the setup code file the server's log names");
  const path = setup ? "auth.setup" : "auth.login";
  const input = setup ? { ...ACCOUNT, setupCode: readFileSync(process.argv[3], "utf8").trim() } : ACCOUNT;
  const response = await fetch(`${base}/api/trpc/${path}`, {
    method: "POST",
    headers: HEADERS,
    body: JSON.stringify(input),
  });
  if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
  return response.headers.getSetCookie()[0].split(";")[0];
}

async function time(cookie, path, input) {
  const url = `${base}/api/trpc/${path}${input ? `?input=${encodeURIComponent(JSON.stringify(input))}` : ""}`;
  const runs = [];
  for (let i = 0; i < 8; i++) {
    const started = performance.now();
    const response = await fetch(url, { headers: { ...HEADERS, cookie } });
    await response.text();
    if (!response.ok) throw new Error(`${path}: ${response.status}`);
    if (i > 0) runs.push(performance.now() - started);
  }
  runs.sort((a, b) => a - b);
  return runs[Math.floor(runs.length / 2)];
}

const cookie = await signIn();
const total = (await (await fetch(`${base}/api/trpc/admin.overview.get`, { headers: { ...HEADERS, cookie } })).json())
  .result.data.participants.total;
console.log(`${total} participants\n\nAPI (median ms)`);
const queries = [
  ["admin.overview.get", undefined],
  ["admin.overview.usage", { range: "day" }],
  ["admin.participants.list", { page: 1, pageSize: 50 }],
  ["admin.participants.list", { page: Math.ceil(total / 50), pageSize: 50 }],
  ["admin.participants.list", { sort: "granted", direction: "desc" }],
  ["admin.participants.list", { sort: "inUse", direction: "desc" }],
  ["admin.participants.list", { sort: "lastSeenAt", direction: "desc" }],
  ["admin.participants.list", { sort: "hostname" }],
  ["admin.participants.list", { state: "expired" }],
  ["admin.participants.list", { search: "east-77" }],
  ["admin.audit.list", { filter: {} }],
  ["admin.audit.list", { filter: { types: ["request"] }, page: 100 }],
];
for (const [path, input] of queries) {
  console.log(
    `  ${(await time(cookie, path, input)).toFixed(1).padStart(7)}  ${path} ${input ? JSON.stringify(input) : ""}`,
  );
}

const browser = await chromium.launch({
  executablePath: "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
});
const context = await browser.newContext({ baseURL: base, viewport: { width: 1440, height: 900 } });
const [name, value] = cookie.split("=");
await context.addCookies([{ name, value, url: base }]);
const page = await context.newPage();
const pages = [
  ["/", () => page.getByTestId("pool-size").waitFor()],
  ["/participants", () => page.getByTestId("participant-row").first().waitFor()],
  [`/participants?page=${Math.ceil(total / 50)}`, () => page.getByTestId("participant-row").first().waitFor()],
  ["/participants?sort=inUse&dir=desc", () => page.getByTestId("participant-row").first().waitFor()],
  ["/participants?q=east-77", () => page.getByTestId("participant-row").first().waitFor()],
  ["/audit", () => page.getByTestId("audit-row").first().waitFor()],
];
console.log("\nPages in Chromium (ms from navigation to data on screen; best of 3)");
for (const [url, ready] of pages) {
  let best = Infinity;
  for (let i = 0; i < 3; i++) {
    const started = performance.now();
    await page.goto(url);
    await ready();
    best = Math.min(best, performance.now() - started);
  }
  console.log(`  ${best.toFixed(0).padStart(7)}  ${url}`);
}
await browser.close();
