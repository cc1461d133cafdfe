import type { TSsoSummary } from "../../../contracts/admin/sso.ts";
import type { Services } from "../../context.ts";

/** What Settings and the overview show of single sign-on: the issuer, its reachability and the group mapping. */
export function ssoSummary(services: Pick<Services, "sso" | "localLogin">): TSsoSummary {
  const { sso, localLogin } = services;
  if (!sso) {
    return {
      configured: false,
      issuer: null,
      reachable: false,
      detail: null,
      groupsClaim: null,
      adminGroups: [],
      viewerGroups: [],
      localLogin,
    };
  }
  const status = sso.status();
  return {
    configured: true,
    issuer: sso.settings.issuer.href,
    reachable: status.reachable,
    detail: status.detail,
    groupsClaim: sso.settings.groupsClaim,
    adminGroups: [...sso.settings.adminGroups],
    viewerGroups: [...sso.settings.viewerGroups],
    localLogin,
  };
}
