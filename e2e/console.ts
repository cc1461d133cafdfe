import { expect, type APIRequestContext, type Page } from "@playwright/test";
import { applianceCall, SHARED_SECRET } from "./fixtures.ts";
import type { App } from "./fresh-app.ts";

export const ADMIN = { name: "ops-admin", password: "e2e admin password 1" };
export const VIEWER = { name: "ops-viewer", password: "e2e viewer password 1" };

/** The console's own header: the server refuses console mutations without it. */
const CONSOLE_HEADERS = { "x-sls-console": "1" };

/** Calls a console mutation from the page's browser context, so cookies are the page's. */
export async function consoleMutation<T>(page: Page, path: string, input?: unknown): Promise<T> {
  const response = await page.request.post(`/api/trpc/${path}`, { data: input ?? {}, headers: CONSOLE_HEADERS });
  const body = await response.text();
  expect(response.ok(), `${path} answered ${response.status()}: ${body}`).toBe(true);
  return (JSON.parse(body) as { result: { data: T } }).result.data;
}

/**
 * Signs the page in as the administrator through the API: creating it on the spec's fresh
 * database the first time (with the setup code the app wrote), signing in on later tests of the same spec file.
 */
export async function signInAsAdmin(page: Page, app: App): Promise<void> {
  const response = await page.request.get("/api/trpc/auth.state");
  const { setupRequired } = ((await response.json()) as { result: { data: { setupRequired: boolean } } }).result.data;
  if (setupRequired) await consoleMutation(page, "auth.setup", { ...ADMIN, setupCode: app.setupCode() });
  else await consoleMutation(page, "auth.login", ADMIN);
}

export async function signIn(page: Page, account: { name: string; password: string }): Promise<void> {
  await page.goto("/login");
  await page.getByLabel("Account name").fill(account.name);
  await page.getByLabel("Password").fill(account.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByTestId("signed-in-as")).toHaveText(account.name);
}

export interface Appliance {
  serial: string;
  token: string;
}

/** Registers an appliance through the real appliance API. */
export async function registerAppliance(
  request: APIRequestContext,
  serial: string,
  limits: { platformLimit?: number; localLimit?: number; hostname?: string; model?: string } = {},
): Promise<Appliance> {
  const { token } = await applianceCall<{ token: string }>(request, "register", {
    secret: SHARED_SECRET,
    serial,
    hostname: limits.hostname ?? `${serial.toLowerCase()}.example.net`,
    model: limits.model ?? "ASA5555-X",
    platformLimit: limits.platformLimit ?? 1000,
    localLimit: limits.localLimit ?? 100,
  });
  return { serial, token };
}

let requestCounter = 0;

export function requestSessions(request: APIRequestContext, appliance: Appliance, sessions: number) {
  requestCounter += 1;
  return applianceCall<{ granted: number; added: number; pending: number }>(
    request,
    "request",
    { sessions, requestId: `e2e-${Date.now()}-${requestCounter}` },
    appliance.token,
  );
}

export function refresh(request: APIRequestContext, appliance: Appliance, inUse: number) {
  return applianceCall<{ granted: number; pending: number }>(request, "refresh", { inUse }, appliance.token);
}
