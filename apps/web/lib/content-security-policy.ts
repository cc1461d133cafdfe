/**
 * The console pages' Content-Security-Policy. Scripts run only with this page's nonce (Next.js
 * puts it on its own scripts; 'strict-dynamic' lets those load their chunks), nothing may frame the
 * console, and forms, base URLs and connections stay on this origin. Styles allow inline: the
 * charts and toasts set style attributes and inject style elements at run time, and an injected
 * style cannot run code; scripts are what the nonce guards.
 */
export function contentSecurityPolicy(nonce: string, development: boolean): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${development ? " 'unsafe-eval'" : ""}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' blob: data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
}

/** 128 random bits, base64: a fresh nonce for every page answer. */
export function newNonce(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return btoa(String.fromCharCode(...bytes));
}
