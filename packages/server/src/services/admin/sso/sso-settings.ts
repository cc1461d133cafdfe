import type { AccountRole } from "@sls/db";
import type { TEnv } from "../../../env.ts";

/** Single sign-on as the environment configures it (loadEnv has checked that the parts come together). */
export interface SsoSettings {
  issuer: URL;
  clientId: string;
  /** Sent to the provider's token endpoint only: never logged, never answered. */
  clientSecret: string;
  groupsClaim: string;
  adminGroups: readonly string[];
  viewerGroups: readonly string[];
}

export function ssoSettingsFrom(
  env: Pick<
    TEnv,
    | "SLS_OIDC_ISSUER"
    | "SLS_OIDC_CLIENT_ID"
    | "SLS_OIDC_CLIENT_SECRET"
    | "SLS_OIDC_GROUPS_CLAIM"
    | "SLS_OIDC_ADMIN_GROUPS"
    | "SLS_OIDC_VIEWER_GROUPS"
  >,
): SsoSettings | null {
  if (!env.SLS_OIDC_ISSUER || !env.SLS_OIDC_CLIENT_ID || !env.SLS_OIDC_CLIENT_SECRET) return null;
  return {
    issuer: new URL(env.SLS_OIDC_ISSUER),
    clientId: env.SLS_OIDC_CLIENT_ID,
    clientSecret: env.SLS_OIDC_CLIENT_SECRET,
    groupsClaim: env.SLS_OIDC_GROUPS_CLAIM,
    adminGroups: env.SLS_OIDC_ADMIN_GROUPS ?? [],
    viewerGroups: env.SLS_OIDC_VIEWER_GROUPS ?? [],
  };
}

/** The groups a token's claim lists: an array of names or a single name; anything else lists none. */
export function groupsIn(claims: Record<string, unknown>, claim: string): string[] {
  const value = claims[claim];
  if (typeof value === "string") return [value];
  if (Array.isArray(value)) return value.filter((group): group is string => typeof group === "string");
  return [];
}

/** The role the groups give: admin wins over viewer; null when the person is in neither list. */
export function roleFromGroups(
  groups: readonly string[],
  settings: Pick<SsoSettings, "adminGroups" | "viewerGroups">,
): AccountRole | null {
  if (groups.some((group) => settings.adminGroups.includes(group))) return "admin";
  if (groups.some((group) => settings.viewerGroups.includes(group))) return "viewer";
  return null;
}
