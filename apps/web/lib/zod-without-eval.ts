import { z } from "zod";

// The console's CSP has no 'unsafe-eval': zod must not compile its parsers with `new Function`
// (its probe for that alone is reported as a violation). Imported first by app/providers.tsx,
// so it runs before any schema is built.
z.config({ jitless: true });
