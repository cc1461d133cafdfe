import { ACCOUNT_ROLES } from "@sls/db/vocabulary";
import { z } from "zod";

/** What a token may do: `viewer` reads, `admin` also changes (never more than its creator's role). */
export const ZApiTokenScope = z.enum(ACCOUNT_ROLES);

const API_TOKEN_STATES = ["active", "expired", "revoked"] as const;

/** A token as listed: never the token itself, which is shown once when it is created. */
export const ZApiToken = z.object({
  id: z.string(),
  name: z.string(),
  scope: ZApiTokenScope,
  state: z.enum(API_TOKEN_STATES),
  createdAt: z.string(),
  createdBy: z.string(),
  expiresAt: z.string().nullable(),
  lastUsedAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
});
export type TApiToken = z.infer<typeof ZApiToken>;

export const ZApiTokenList = z.object({ tokens: z.array(ZApiToken) });

const ZApiTokenName = z
  .string()
  .trim()
  .min(1, "is required")
  .max(64, "must be at most 64 characters")
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9 ._@:-]*$/,
    "may contain only letters, digits, spaces and . _ @ : - (starting with a letter or digit)",
  );

export const ZCreateApiTokenInput = z.object({
  name: ZApiTokenName,
  scope: ZApiTokenScope,
  /** When the token stops working (ISO 8601); it must lie in the future. Absent: until revoked. */
  expiresAt: z.iso.datetime({ offset: true, message: "must be an ISO 8601 date-time" }).optional(),
});
export type TCreateApiTokenInput = z.infer<typeof ZCreateApiTokenInput>;

/** The answer to `create`: the only time the token itself is sent. */
export const ZCreatedApiToken = ZApiToken.extend({ token: z.string() });

export const ZRevokeApiTokenInput = z.object({ id: z.string().min(1).max(64) });
