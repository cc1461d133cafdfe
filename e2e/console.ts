import { expect, type APIRequestContext, type Page } from "@playwright/test";
import { applianceApi, consoleApi } from "./api.ts";
import { SHARED_SECRET } from "./fixtures.ts";
import type { App } from "./fresh-app.ts";

export const ADMIN = { name: "ops-admin", password: "e2e admin password 1" };
export const VIEWER = { name: "ops-viewer", password: "e2e viewer password 1" };

/**
 * Signs the page in as the administrator through the API: creating it on the spec's fresh
 * database the first time (with the setup code the app wrote), signing in on later tests of the same spec file.
 */
export async function signInAsAdmin(page: Page, app: App): Promise<void> {
  const api = consoleApi(page);
  const { setupRequired } = await api.auth.state.query();
  if (setupRequired) await api.auth.setup.mutate({ ...ADMIN, setupCode: app.setupCode() });
  else await api.auth.login.mutate(ADMIN);
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
  const { token } = await applianceApi(request).appliance.register.mutate({
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
  return applianceApi(request, appliance.token).appliance.request.mutate({
    sessions,
    requestId: `e2e-${Date.now()}-${requestCounter}`,
  });
}

export function refresh(request: APIRequestContext, appliance: Appliance, inUse: number) {
  return applianceApi(request, appliance.token).appliance.refresh.mutate({ inUse });
}
