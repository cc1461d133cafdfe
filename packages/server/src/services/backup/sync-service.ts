import type { BackupStore } from "@sls/db";
import type { z } from "zod";
import { SlsError } from "../../errors.ts";
import type { Services } from "../context.ts";
import { LinkRefusal, type BackupLink, type RequestPurpose, type TSealed } from "./link-key.ts";
import { seenNonces } from "./seen-nonces.ts";
import { participantToWire, policyToWire, serverToWire, ZSyncRequest, type TSyncAnswer } from "./snapshot-wire.ts";

/**
 * backup.sync on the main server: the configured backup, authenticated by the backup link key
 * alone (no bearer token that a registration could supersede), gets the changes after the
 * sequence number it last applied (a full snapshot the first time or after a gap), sealed with
 * the same key. The backup is the participant registered under the configured backup serial.
 * Resolves to the answer and that participant's id (for the message counters).
 */
export async function syncForBackup(
  services: Pick<Services, "store" | "now" | "log" | "role" | "serving">,
  backupStore: BackupStore,
  sealed: TSealed,
  from: string,
): Promise<{ participantId: string; answer: TSealed }> {
  const link = mainServerLink(services, "backup.sync");
  const request = await openRequest(services, link, sealed, "sync-request", ZSyncRequest, from);
  const settings = await services.store.readServer();
  if (!settings?.backupSerial) {
    throw new SlsError(
      "NOT_BACKUP",
      "No backup server is configured on the main server; set its address and serial in the console's settings first.",
    );
  }
  const backup = await services.store.findParticipantBySerial(settings.backupSerial);
  if (!backup) {
    throw new SlsError(
      "NOT_BACKUP",
      `The backup server ${settings.backupSerial} has not registered with the main server yet; it registers over backup.register before it syncs (check its SLS_BACKUP_SERIAL).`,
    );
  }
  const now = new Date(services.now());
  const changes = await backupStore.exportChanges(request.after === null ? null : BigInt(request.after), request.epoch);
  if (!changes)
    throw new SlsError(
      "SERVER_NOT_CONFIGURED",
      "The main server has not finished its first start; try again in a moment.",
    );
  await Promise.all([
    backupStore.recordBackupReport({ at: now, active: request.active, remainingMs: request.remainingMs }),
    services.store.updateParticipant(backup.id, { lastSeenAt: now }),
  ]);
  const answer: TSyncAnswer = {
    epoch: changes.epoch,
    seq: changes.seq.toString(),
    full: changes.full,
    server: serverToWire(changes.server),
    policy: policyToWire(changes.server, changes.policy),
    participants: changes.participants.map(participantToWire),
    removed: changes.removed,
    counters: await services.store.serverCounters(),
  };
  return { participantId: backup.id, answer: link.seal(`sync-answer:${sealed.nonce}`, answer) };
}

/** The link key of a main server, for the calls only the main server answers (backup.sync, backup.register). */
export function mainServerLink(services: Pick<Services, "role" | "serving">, call: string): BackupLink {
  if (services.role === "backup") {
    throw new SlsError(
      "NOT_BACKUP",
      `This server runs as a backup server (SLS_ROLE=backup); ${call} is answered by the main server: point SLS_MAIN_URL at it.`,
    );
  }
  if (!services.serving.link) {
    throw new SlsError(
      "SERVER_NOT_CONFIGURED",
      "SLS_BACKUP_KEY is not set on the main server; set the same backup link key on both servers (openssl rand -base64 32) and restart them.",
    );
  }
  return services.serving.link;
}

/**
 * Opens a sealed request (MAC, time, nonce claimed in the database so that it is accepted once by
 * any process, payload schema), or refuses it as BAD_SECRET with the reason logged.
 */
export async function openRequest<T>(
  services: Pick<Services, "store" | "log">,
  link: BackupLink,
  sealed: TSealed,
  purpose: RequestPurpose,
  schema: z.ZodType<T>,
  from: string,
): Promise<T> {
  try {
    return await link.openRequest(purpose, sealed, schema, seenNonces(services.store.linkNonces));
  } catch (error) {
    if (!(error instanceof LinkRefusal)) throw error;
    services.log.warn(`backup link: ${purpose} refused`, { from, kind: error.kind, cause: error.message });
    throw new SlsError("BAD_SECRET", `The backup link refused this call: ${error.message}.`);
  }
}
