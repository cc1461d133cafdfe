import { registerBackup } from "../appliance/registration.ts";
import type { Services } from "../context.ts";
import type { TSealed } from "./link-key.ts";
import { BACKUP_REGISTRATION, ZBackupRegisterRequest, type TBackupRegisterAnswer } from "./register-wire.ts";
import { mainServerLink, openRequest } from "./sync-service.ts";

/**
 * backup.register on the main server: the backup proves the link key (not the fleet secret) and
 * registers the configured backup serial through the one registration path. Its answer is sealed.
 */
export async function registerBackupOverLink(
  services: Services,
  sealed: TSealed,
  from: string,
  arrivedAt?: number,
): Promise<{ participantId: string; answer: TSealed }> {
  const link = mainServerLink(services, "backup.register");
  const request = await openRequest(services, link, sealed, "register-request", ZBackupRegisterRequest, from);
  const { participantId, answer } = await registerBackup(
    services,
    { ...BACKUP_REGISTRATION, serial: request.serial, hostname: request.hostname },
    arrivedAt,
  );
  const reply: TBackupRegisterAnswer = {
    role: answer.role,
    refreshIntervalSec: answer.refreshIntervalSec,
    granted: answer.granted,
    pending: answer.pending,
  };
  return { participantId, answer: link.seal(`register-answer:${sealed.nonce}`, reply) };
}
