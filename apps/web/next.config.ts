import type { NextConfig } from "next";

const config: NextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // `.next/standalone`: the console's server files and only the node_modules files they load
  // (traced), which scripts/package.mjs puts in the archive beside the bundled server (dist/).
  output: "standalone",
  // No next/image in the console: /_next/image answers 404 instead of loading sharp, which the
  // archive leaves out.
  images: { unoptimized: true },
  // The UI imports types from @sls/server, and constants from the pure @sls/allocator and
  // @sls/server/contracts (TypeScript sources, hence transpiled); the API runs in server.ts,
  // outside Next's bundle.
  transpilePackages: ["@sls/allocator", "@sls/server"],
  // `npm test` type-checks every package, this one included (`turbo run typecheck`); checking
  // again in `next build` cost `npm test` and every first `npm start` about 14 s.
  typescript: { tsconfigPath: "tsconfig.json", ignoreBuildErrors: true },
};

export default config;
