import { NextResponse, type NextRequest } from "next/server";
import { contentSecurityPolicy, newNonce } from "@/lib/content-security-policy";

/**
 * Every page answer gets its own CSP nonce. Next.js reads the policy from the request header and
 * puts the nonce on the scripts it renders; the browser gets the same policy on the answer.
 * The other security headers (nosniff, Referrer-Policy, HSTS over HTTPS) are set by the server
 * for every answer (packages/server/src/http/app-server.ts).
 */
export function proxy(request: NextRequest) {
  const policy = contentSecurityPolicy(newNonce(), process.env.NODE_ENV === "development");
  const headers = new Headers(request.headers);
  headers.set("content-security-policy", policy);
  const response = NextResponse.next({ request: { headers } });
  response.headers.set("content-security-policy", policy);
  return response;
}

export const config = {
  // Pages only: the API and Next's static files need no nonce (the server gives the API its own policy).
  matcher: [
    {
      source: "/((?!api/|_next/static|_next/image|favicon.ico).*)",
      missing: [
        { type: "header", key: "next-router-prefetch" },
        { type: "header", key: "purpose", value: "prefetch" },
      ],
    },
  ],
};
