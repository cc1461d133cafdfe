import type { NextConfig } from "next";

const config: NextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // The UI imports types from @sls/server, and constants from the pure @sls/allocator and
  // @sls/server/contracts (TypeScript sources, hence transpiled); the API runs in server.ts,
  // outside Next's bundle.
  transpilePackages: ["@sls/allocator", "@sls/server"],
  typescript: { tsconfigPath: "tsconfig.json" },
};

export default config;
