import { setPoolSize as resizePool } from "@sls/allocator";
import type { AccountRow, AuditInput, PoolTransaction, ServerRow, SettingsUpdate } from "@sls/db";
import { hashSharedSecret } from "../../auth/secret.ts";
import type { TBackupSettings, TOperationInput, TPoolSizeOutput } from "../../contracts/admin/settings.ts";
import { SlsError } from "../../errors.ts";
import { commitOutcome, loadState } from "../pool/allocation.ts";
import { adminActor } from "./events.ts";
import { normaliseServerAddress } from "../backup/address.ts";
import type { Services } from "../context.ts";

type SettingsServices = Pick<Services, "store" | "now">;
export async function readSettings(services: Pick<Services, "store">): Promise<ServerRow> {
  const server = await services.store.readServer();
  if (!server)
    throw new SlsError("SERVER_NOT_CONFIGURED", "The server has not finished its first start; try again in a moment.");
  return server;
}

export async function setSecret(services: SettingsServices, by: AccountRow, secret: string): Promise<void> {
  const secretHash = await hashSharedSecret(secret);
  await changeSettings(services, by, (server, at) => ({
    update: { secretHash, secretChangedAt: at },
    // Never the secret, nor its verifier: only that it changed.
    audit: { type: "admin.secret", detail: { action: server.secretHash ? "rotated" : "set" } },
  }));
}

export async function setRefreshInterval(
  services: SettingsServices,
  by: AccountRow,
  refreshIntervalSec: number,
): Promise<void> {
  await changeSettings(services, by, (server) => ({
    update: { refreshIntervalSec },
    audit: { type: "admin.refresh-interval", detail: { from: server.refreshIntervalSec, to: refreshIntervalSec } },
  }));
}

/** The address is stored normalised; typed without a scheme, it gets this server's own (https with TLS). */
export async function setBackup(
  services: SettingsServices & Pick<Services, "scheme">,
  by: AccountRow,
  typed: TBackupSettings | null,
): Promise<void> {
  const backup = typed && {
    ...typed,
    address: normaliseServerAddress(typed.address, services.scheme) ?? typed.address,
  };
  await changeSettings(services, by, (server) => ({
    update: {
      backupAddress: backup?.address ?? null,
      backupSerial: backup?.serial ?? null,
      backupPeerSerial: backup?.peerSerial ?? null,
    },
    audit: {
      type: "admin.backup",
      detail: { from: backupOf(server), to: backup },
    },
  }));
}

export async function setOperation(
  services: SettingsServices,
  by: AccountRow,
  operation: TOperationInput,
): Promise<void> {
  await changeSettings(services, by, (server) => ({
    update: operation,
    audit: {
      type: "admin.operation",
      detail: {
        from: {
          enabled: server.enabled,
          approvalRequired: server.approvalRequired,
          alertThresholdPct: server.alertThresholdPct,
        },
        to: operation,
      },
    },
  }));
}

/**
 * Resizes the pool through the allocator, under the pool lock: shrinking below what is granted
 * is its POOL_BELOW_GRANTED, and growing serves the pending queue at once.
 */
export async function setPoolSize(
  services: SettingsServices,
  by: AccountRow,
  poolSize: number,
): Promise<TPoolSizeOutput> {
  return services.store.inPoolTransaction(async (tx) => {
    const at = new Date(services.now());
    const actor = adminActor(by);
    const from = tx.server.poolSize;
    const state = await loadState(tx, []);
    const outcome = resizePool(state, poolSize);
    await commitOutcome(tx, state, outcome, at, actor);
    await tx.audit([
      { at, type: "admin.pool-size", actor, detail: { from, to: poolSize, served: outcome.result.served } },
    ]);
    return { served: outcome.result.served };
  });
}

function backupOf(server: ServerRow): TBackupSettings | null {
  return server.backupSerial && server.backupAddress
    ? { address: server.backupAddress, serial: server.backupSerial, peerSerial: server.backupPeerSerial }
    : null;
}

type SettingsChange = (
  server: ServerRow,
  at: Date,
) => { update: SettingsUpdate; audit: Omit<AuditInput, "at" | "actor"> };

/** Writes settings and their audit row in one transaction, under the pool lock like any other change. */
async function changeSettings(services: SettingsServices, by: AccountRow, change: SettingsChange): Promise<void> {
  await services.store.inPoolTransaction(async (tx: PoolTransaction) => {
    const at = new Date(services.now());
    const { update, audit } = change(tx.server, at);
    await tx.writeSettings(update);
    await tx.audit([{ ...audit, at, actor: adminActor(by) }]);
  });
}
