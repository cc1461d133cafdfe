import { z } from "zod";

/**
 * Single sign-on as the console shows it (Settings, overview): read-only, set in the environment.
 * Never the client secret.
 */
export const ZSsoSummary = z.object({
  configured: z.boolean(),
  issuer: z.string().nullable(),
  /** Whether the provider's discovery document has been read (sign-in through it works only then). */
  reachable: z.boolean(),
  detail: z.string().nullable(),
  groupsClaim: z.string().nullable(),
  adminGroups: z.array(z.string()),
  viewerGroups: z.array(z.string()),
  /** SLS_LOCAL_LOGIN: false when only break-glass accounts may sign in with a password. */
  localLogin: z.boolean(),
});
export type TSsoSummary = z.infer<typeof ZSsoSummary>;
