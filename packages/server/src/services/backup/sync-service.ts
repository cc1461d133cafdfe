import type { BackupStore, ParticipantRow } from "@sls/db";
import { SlsError } from "../../errors.ts";
import type { Services } from "../context.ts";
import type { z } from "zod";
import { LinkRefusal, type BackupLink, type LinkPurpose, type TSealed } from "./link-key.ts";
import { participantToWire, serverToWire, ZSyncRequest, type TSyncAnswer } from "./snapshot-wire.ts";

/**
 * backup.sync on the main server: the configured backup, authenticated by its bearer token AND by
 * the backup link key, gets the changes after the sequence number it last applied (a full
 * snapshot the first time or after a gap), sealed with the same key.
 */
export async function syncForBackup(
  services: Services,
  backupStore: BackupStore,
  caller: Pick<ParticipantRow, "id" | "serial">,
  sealed: TSealed,
): Promise<TSealed> {
  const link = requireLink(services.serving.link);
  const request = openRequest(services, link, sealed, "sync-request", ZSyncRequest, `backup ${caller.serial}`);
  const settings = await services.store.readServer();
  if (!settings || settings.backupSerial !== caller.serial) {
    throw new SlsError(
      "NOT_BACKUP",
      `Serial ${caller.serial} is not the configured backup server; set it as the backup on the main server first.`,
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
    services.store.updateParticipant(caller.id, { lastSeenAt: now }),
  ]);
  const answer: TSyncAnswer = {
    epoch: changes.epoch,
    seq: changes.seq.toString(),
    full: changes.full,
    server: serverToWire(changes.server),
    participants: changes.participants.map(participantToWire),
    removed: changes.removed,
    counters: await services.store.serverCounters(),
  };
  return link.seal(`sync-answer:${sealed.nonce}`, answer);
}

function requireLink(link: BackupLink | null): BackupLink {
  if (!link) {
    throw new SlsError(
      "SERVER_NOT_CONFIGURED",
      "SLS_BACKUP_KEY is not set on the main server; set the same backup link key on both servers (openssl rand -base64 32) and restart them.",
    );
  }
  return link;
}

/** Opens a sealed request, or refuses it as BAD_SECRET with the reason logged. */
export function openRequest<T>(
  services: Services,
  link: BackupLink,
  sealed: TSealed,
  purpose: LinkPurpose,
  schema: z.ZodType<T>,
  from: string,
): T {
  try {
    return link.open(purpose, sealed, schema);
  } catch (error) {
    if (!(error instanceof LinkRefusal)) throw error;
    services.log.warn(`backup link: ${purpose} refused`, { from, kind: error.kind, cause: error.message });
    throw new SlsError("BAD_SECRET", `The backup link refused this call: ${error.message}.`);
  }
}
