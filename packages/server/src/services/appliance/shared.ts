import type { ServerRow } from "@sls/db";
import type { TBackup } from "../../contracts/appliance.ts";
import { SlsError } from "../../errors.ts";

export function backupOf(server: ServerRow): TBackup {
  return server.backupAddress ? { address: server.backupAddress } : null;
}

export function requireConfigured(server: ServerRow | null): asserts server is ServerRow & { secretHash: string } {
  if (!server?.secretHash) {
    throw new SlsError(
      "SERVER_NOT_CONFIGURED",
      "The licensing server has no shared secret yet; the administrator must set one before appliances can register.",
    );
  }
  if (!server.enabled) {
    throw new SlsError(
      "SERVER_NOT_CONFIGURED",
      "The licensing server is disabled by its administrator; no new registrations or grants are issued.",
    );
  }
}

/** Who a bearer token names: enough to find the participant again under the pool lock. */
export interface AuthenticatedParticipant {
  id: string;
  serial: string;
  tokenHash: string;
}

export function badToken(): SlsError {
  return new SlsError(
    "BAD_TOKEN",
    "Missing, unknown or superseded bearer token; register again to get a new one and send it as 'Authorization: Bearer <token>'.",
  );
}
