import type { IncomingMessage, ServerResponse } from "node:http";
import { readCookie } from "../auth/cookies.ts";
import type { Services } from "../services/context.ts";
import { ssoFlowCookieName } from "../services/admin/sso/sso-flow-cookie.ts";
import {
  beginSsoSignIn,
  finishSsoSignIn,
  SSO_CALLBACK_PATH,
  SSO_LOGIN_PATH,
  type SsoStep,
} from "../services/admin/sso/sso-sign-in.ts";
import { describe } from "../services/admin/sso/sso-provider.ts";
import { remoteAddressOf } from "./remote-address.ts";
import { webRequestOf } from "./web-request.ts";

/**
 * `GET /api/auth/oidc/login?next=…` (to the provider) and `GET /api/auth/oidc/callback` (back from
 * it): plain redirects, since a sign-in at a provider is a chain of top-level navigations. Returns
 * whether it answered; without single sign-on configured it answers nothing (a 404 follows).
 */
export function createSsoRoutes(services: Services) {
  const { sso } = services;
  return (req: IncomingMessage, res: ServerResponse): boolean => {
    if (!sso) return false;
    const url = new URL(req.url ?? "/", "http://console.invalid");
    if (url.pathname !== SSO_LOGIN_PATH && url.pathname !== SSO_CALLBACK_PATH) return false;
    if (req.method !== "GET") {
      res.writeHead(405, { allow: "GET", "content-length": 0 });
      res.end();
      return true;
    }
    const web = webRequestOf(req, res, services.trustedProxies);
    const withSso = { ...services, sso };
    const step =
      url.pathname === SSO_LOGIN_PATH
        ? beginSsoSignIn(withSso, web, url.searchParams.get("next"))
        : finishSsoSignIn(withSso, web, remoteAddressOf(req, services.trustedProxies), {
            url: new URL(`${url.pathname}${url.search}`, `${web.secure ? "https" : "http"}://${web.host}`),
            flowCookie: readCookie(req.headers.cookie, ssoFlowCookieName(web.secure)),
          });
    void step.then(
      (answer) => redirect(res, answer),
      (error: unknown) => {
        services.log.error("single sign-on failed", { path: url.pathname, problem: describe(error) });
        redirect(res, { redirect: "/login?sso=failed" });
      },
    );
    return true;
  };
}

function redirect(res: ServerResponse, step: SsoStep): void {
  res.writeHead(303, { location: step.redirect, "cache-control": "no-store", "content-length": 0 });
  res.end();
}
