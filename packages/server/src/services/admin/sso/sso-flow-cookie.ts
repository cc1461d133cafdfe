import { z } from "zod";

/** A sign-in at the provider must come back within this long, or it starts again. */
const SSO_FLOW_TTL_MS = 10 * 60 * 1000;

const FLOW_COOKIE = "sls_sso";
/** Over HTTPS, as the session cookie: neither a plain-HTTP page nor a sibling domain can plant it. */
const SECURE_FLOW_COOKIE = "__Host-sls_sso";

/** What the browser carries from the start of a sign-in to the provider's answer. */
const ZSsoFlow = z.object({
  state: z.string().min(1).max(128),
  nonce: z.string().min(1).max(128),
  verifier: z.string().min(43).max(128),
  next: z.string().max(2048),
  startedAt: z.number().int(),
});
export type TSsoFlow = z.infer<typeof ZSsoFlow>;

export function ssoFlowCookieName(secure: boolean): string {
  return secure ? SECURE_FLOW_COOKIE : FLOW_COOKIE;
}

/**
 * The flow's `state`, `nonce` and PKCE verifier, bound to this browser: HttpOnly, and
 * SameSite=Lax because the provider's redirect back is a cross-site top-level navigation (a
 * Strict cookie would not come with it). It lives only as long as a sign-in may take.
 */
export function ssoFlowCookie(flow: TSsoFlow | null, secure: boolean): string {
  const value = flow ? Buffer.from(JSON.stringify(flow)).toString("base64url") : "";
  return [
    `${ssoFlowCookieName(secure)}=${value}`,
    "Path=/",
    "HttpOnly",
    "SameSite=Lax",
    `Max-Age=${flow ? SSO_FLOW_TTL_MS / 1000 : 0}`,
    ...(secure ? ["Secure"] : []),
  ].join("; ");
}

/** The flow in the cookie's value, or null when absent, malformed or older than SSO_FLOW_TTL_MS. */
export function readSsoFlow(value: string | null, now: number): TSsoFlow | null {
  if (!value) return null;
  try {
    const flow = ZSsoFlow.safeParse(JSON.parse(Buffer.from(value, "base64url").toString("utf8")));
    if (!flow.success) return null;
    const age = now - flow.data.startedAt;
    return age >= 0 && age <= SSO_FLOW_TTL_MS ? flow.data : null;
  } catch {
    return null;
  }
}
