import type { APIRequestContext, Page } from "@playwright/test";
import { type ApiClient, createApiClient, type Fetch } from "@sls/server/testing";

/**
 * A fetch over a Playwright request context: relative paths resolve against the test's baseURL,
 * and a page's context sends and keeps that page's cookies.
 */
function fetchThrough(request: APIRequestContext): Fetch {
  return async (input, init) => {
    const headers: Record<string, string> = {};
    new Headers(init?.headers).forEach((value, name) => {
      headers[name] = value;
    });
    const response = await request.fetch(String(input), {
      method: init?.method ?? "GET",
      headers,
      ...(typeof init?.body === "string" ? { data: init.body } : {}),
    });
    return new Response(await response.text(), { status: response.status(), headers: response.headers() });
  };
}

/** The typed API as an appliance calls it (with its token after register); OVERLOADED answers are retried. */
export function applianceApi(request: APIRequestContext, token?: string): ApiClient {
  return createApiClient("", {
    fetch: fetchThrough(request),
    headers: token ? { authorization: `Bearer ${token}` } : {},
    retryOverloaded: true,
  });
}

/** The typed API as the console page calls it: its cookies, and the console's own header. */
export function consoleApi(page: Page): ApiClient {
  return createApiClient("", { fetch: fetchThrough(page.request), headers: { "x-sls-console": "1" } });
}
