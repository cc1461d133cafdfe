import { assignMembership, DEFAULT_GROUP, type PolicyDefinition, updateLimits } from "@sls/allocator";
import { newId, type ParticipantRow, type PoolTransaction } from "@sls/db";
import { checkRegistrationSecret } from "../../auth/guesses.ts";
import { newToken } from "../../auth/token.ts";
import type { TRegisterInput, TRegisterOutput } from "../../contracts/appliance.ts";
import { SlsError } from "../../errors.ts";
import { commitOutcome, loadState, reclaimIfSilent } from "../pool/allocation.ts";
import { membershipOf, policyInForce } from "../pool/policy-in-force.ts";
import type { Services } from "../context.ts";
import { runRegistration } from "./locked-calls.ts";
import { backupOf, requireConfigured } from "./shared.ts";

function awaitingApproval(serial: string): SlsError {
  return new SlsError(
    "AWAITING_APPROVAL",
    `Participant ${serial} is recorded and waits for an administrator to approve it; register again once approved.`,
  );
}

/** A registration's details: what appliance.register carries, without the secret that authenticated it. */
export type RegistrationDetails = Omit<TRegisterInput, "secret">;

/** Who registers: an appliance proving the fleet secret, or the backup server proving the link key. */
type Registrant = "appliance" | "backup";

function reservedSerial(serial: string): SlsError {
  return new SlsError(
    "RESERVED_SERIAL",
    `Serial ${serial} is the configured backup server's; only the backup server registers it, over the backup link (SLS_BACKUP_KEY). Give this appliance its own serial.`,
  );
}

function notTheBackup(serial: string): SlsError {
  return new SlsError(
    "NOT_BACKUP",
    `Serial ${serial} is not the backup server configured on the main server; set the backup's serial in the console's settings, or fix SLS_BACKUP_SERIAL on the backup.`,
  );
}

/** appliance.register: the fleet secret, then the registration (never of the configured backup's serial). */
export async function register(
  services: Services,
  input: TRegisterInput,
  remoteAddress: string,
  arrivedAt?: number,
): Promise<{ participantId: string; answer: TRegisterOutput }> {
  // A registration that already waited past the deadline (CPU-starved process, socket backlog)
  // is refused before the secret check and the transaction it would cost.
  services.poolQueue.admit(arrivedAt);
  // The settings cache (at most 1 s old): in a registration storm every call would otherwise
  // read the server row first. Configured and enabled are checked again under the lock.
  const server = await services.settings.get();
  requireConfigured(server);
  await checkRegistrationSecret(services, input.secret, server.secretHash, { remoteAddress, serial: input.serial });
  // Checked again under the lock (the backup serial may change meanwhile); here it saves the transaction.
  if (server.backupSerial === input.serial) throw reservedSerial(input.serial);
  const { secret: _secret, ...details } = input;
  return enrol(services, details, "appliance", arrivedAt);
}

/** backup.register on the main server, once the link key is proven: the configured backup serial only. */
export async function registerBackup(
  services: Services,
  details: RegistrationDetails,
  arrivedAt?: number,
): Promise<{ participantId: string; answer: TRegisterOutput }> {
  services.poolQueue.admit(arrivedAt);
  requireConfigured(await services.settings.get());
  return enrol(services, details, "backup", arrivedAt);
}

/**
 * The registration itself, for both registrants: under the pool lock, the configured backup serial
 * is the backup's alone; an unknown serial waits for approval when the administrator requires it;
 * a known one is registered again (new token, the live grant kept).
 */
async function enrol(
  services: Services,
  input: RegistrationDetails,
  registrant: Registrant,
  arrivedAt?: number,
): Promise<{ participantId: string; answer: TRegisterOutput }> {
  const actor = `${registrant}:${input.serial}`;
  const call = { priority: "register", registeringSerial: input.serial, arrivedAt } as const;
  const result = await runRegistration(services, call, async (tx, now) => {
    const at = new Date(now);
    requireConfigured(tx.server);
    // Decided before anything is written: a refused registration changes nothing.
    const isBackupSerial = tx.server.backupSerial === input.serial;
    if (registrant === "appliance" && isBackupSerial) throw reservedSerial(input.serial);
    if (registrant === "backup" && !isBackupSerial) throw notTheBackup(input.serial);
    const existing = await tx.findParticipantBySerial(input.serial);
    if (!existing && tx.server.approvalRequired) {
      const row = await tx.createParticipant({
        ...newParticipantFields(input, at),
        approved: false,
        tokenHash: null,
      });
      await tx.audit([
        {
          at,
          type: "register-awaiting-approval",
          actor,
          participantId: row.id,
          serial: row.serial,
        },
      ]);
      return { awaiting: true as const };
    }
    if (existing && !existing.approved) return { awaiting: true as const };

    const { token, hash } = newToken();
    // Membership is decided here (serial and hostname) and when the policy changes, never per call.
    const policy = await policyInForce(tx);
    const participant = existing
      ? await reRegister(tx, existing, input, hash, now, services.leases.floor, actor, policy)
      : await tx.createParticipant({
          ...newParticipantFields(input, at),
          ...(policy && membershipOf(policy, input)),
          approved: true,
          tokenHash: hash,
        });
    await tx.audit([
      {
        at,
        type: "register",
        actor,
        participantId: participant.id,
        serial: participant.serial,
        detail: {
          hostname: input.hostname,
          model: input.model,
          platformLimit: input.platformLimit,
          localLimit: input.localLimit,
          again: Boolean(existing),
        },
      },
    ]);
    return {
      awaiting: false as const,
      participantId: participant.id,
      answer: {
        token,
        role: isBackupSerial ? ("backup" as const) : ("participant" as const),
        refreshIntervalSec: tx.server.refreshIntervalSec,
        granted: participant.granted,
        pending: participant.pending,
        backup: backupOf(tx.server),
      },
    };
  });
  if (result.awaiting) throw awaitingApproval(input.serial);
  return result;
}

function newParticipantFields(input: RegistrationDetails, at: Date) {
  return {
    id: newId("ptc"),
    serial: input.serial,
    hostname: input.hostname,
    model: input.model,
    platformLimit: input.platformLimit,
    localLimit: input.localLimit,
    haPeerSerial: input.haPeerSerial ?? null,
    registeredAt: at,
    lastSeenAt: at,
  };
}

/** Same serial again: new token (the old one stops working), new details, the live grant kept. */
async function reRegister(
  tx: PoolTransaction,
  existing: ParticipantRow,
  input: RegistrationDetails,
  tokenHash: string,
  now: number,
  floor: number,
  actor: string,
  policy: PolicyDefinition | undefined,
) {
  let state = await loadState(tx, [existing], "always", floor);
  state = await reclaimIfSilent(tx, state, existing, now, actor);
  if (input.platformLimit !== existing.platformLimit || input.localLimit !== existing.localLimit) {
    const outcome = updateLimits(state, existing.id, input.platformLimit, input.localLimit);
    await commitOutcome(tx, state, outcome, new Date(now), actor);
    state = outcome.state;
  }
  if (policy) {
    const { policyGroup, maxGranted } = membershipOf(policy, input);
    if (policyGroup !== existing.policyGroup || maxGranted !== existing.maxGranted) {
      // Its grant moves with it to the new group (spec rule 5: nothing is taken back).
      const outcome = assignMembership(state, existing.id, { group: policyGroup ?? DEFAULT_GROUP, maxGranted });
      await commitOutcome(tx, state, outcome, new Date(now), actor, { membership: true });
    }
  }
  return tx.updateParticipant(existing.id, {
    hostname: input.hostname,
    model: input.model,
    platformLimit: input.platformLimit,
    localLimit: input.localLimit,
    haPeerSerial: input.haPeerSerial ?? null,
    tokenHash,
    lastSeenAt: new Date(now),
  });
}
