import type { NextConfig } from "next";

const config: NextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // The UI only imports types from @sls/server; the API runs in server.ts, outside Next's bundle.
  typescript: { tsconfigPath: "tsconfig.json" },
};

export default config;
