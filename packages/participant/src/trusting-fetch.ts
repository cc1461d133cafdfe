import { request } from "node:https";
import { rootCertificates } from "node:tls";

/** The part of `fetch` the transport uses. */
export type FetchLike = (
  url: string,
  init: { method: string; headers: Record<string, string>; body: string; signal: AbortSignal | null },
) => Promise<Response>;

/**
 * A fetch that also trusts `ca` (PEM: a private CA or a self-signed server certificate) on top of
 * the usual public CAs, for a licensing server with a certificate of its own. Node's global fetch
 * takes no CA per call, and a process-wide `NODE_EXTRA_CA_CERTS` is not always the appliance's to set.
 * `http:` URLs go to the global fetch unchanged.
 */
export function trustingFetch(ca: string | Buffer): FetchLike {
  const trusted = [...rootCertificates, ca.toString()];
  return (url, init) => {
    if (!url.startsWith("https:")) return fetch(url, init);
    return new Promise<Response>((resolve, reject) => {
      const req = request(
        url,
        { method: init.method, headers: init.headers, ca: trusted, signal: init.signal ?? undefined },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (chunk: Buffer) => chunks.push(chunk));
          res.on("error", reject);
          res.on("end", () => {
            const headers = new Headers();
            for (const [name, value] of Object.entries(res.headers)) {
              for (const one of Array.isArray(value) ? value : value === undefined ? [] : [value])
                headers.append(name, one);
            }
            resolve(new Response(Buffer.concat(chunks), { status: res.statusCode ?? 502, headers }));
          });
        },
      );
      req.on("error", reject);
      req.end(init.body);
    });
  };
}
