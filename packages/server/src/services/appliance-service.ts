import { randomUUID } from "node:crypto";
import type { AllocState } from "@sls/allocator";
import {
  isSilent,
  releaseSessions,
  requestSessions,
  SILENT_AFTER_INTERVALS,
  transfer,
  updateLimits,
} from "@sls/allocator";
import type { ParticipantRecord, ParticipantRow, PoolTransaction, ServerRow } from "@sls/db";
import { checkRegistrationSecret } from "../auth/guesses.ts";
import { newToken } from "../auth/token.ts";
import { SlsError } from "../errors.ts";
import { commitOutcome, loadState, reclaimIfSilent, toSnapshot } from "./allocation.ts";
import type { Services } from "./context.ts";
import { WRITE_THROUGH_MARGIN_MS } from "./leases/leases.ts";
import type { Priority } from "./pool-batcher.ts";

export interface RegisterInput {
  secret: string;
  serial: string;
  hostname: string;
  model: string;
  platformLimit: number;
  localLimit: number;
  haPeerSerial?: string | undefined;
}

export type BackupInfo = { address: string } | null;

export function backupOf(server: ServerRow): BackupInfo {
  return server.backupAddress ? { address: server.backupAddress } : null;
}

function requireConfigured(server: ServerRow | null): asserts server is ServerRow & { secretHash: string } {
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

function awaitingApproval(serial: string): SlsError {
  return new SlsError(
    "AWAITING_APPROVAL",
    `Participant ${serial} is recorded and waits for an administrator to approve it; register again once approved.`,
  );
}

export async function register(services: Services, input: RegisterInput, remoteAddress: string, arrivedAt?: number) {
  // A registration that already waited past the deadline (CPU-starved process, socket backlog)
  // is refused before the secret check and the transaction it would cost.
  services.allocations.admit(arrivedAt);
  // The settings cache (at most 1 s old): in a registration storm every call would otherwise
  // read the server row first. Configured and enabled are checked again under the lock.
  const server = await services.settings.get();
  requireConfigured(server);
  await checkRegistrationSecret(services, input.secret, server.secretHash, { remoteAddress, serial: input.serial });

  const now = services.now();
  const at = new Date(now);
  const result = await services.allocations.run(
    async (tx) => {
      await services.serving.guard(tx, now, false);
      requireConfigured(tx.server);
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
            actor: `appliance:${input.serial}`,
            participantId: row.id,
            serial: row.serial,
          },
        ]);
        return { awaiting: true as const };
      }
      if (existing && !existing.approved) return { awaiting: true as const };

      const { token, hash } = newToken();
      const participant = existing
        ? await reRegister(tx, existing, input, hash, now, services.leases.floor)
        : await tx.createParticipant({ ...newParticipantFields(input, at), approved: true, tokenHash: hash });
      await tx.audit([
        {
          at,
          type: "register",
          actor: `appliance:${input.serial}`,
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
          role: tx.server.backupSerial === input.serial ? ("backup" as const) : ("participant" as const),
          refreshIntervalSec: tx.server.refreshIntervalSec,
          granted: participant.granted,
          pending: participant.pending,
          backup: backupOf(tx.server),
        },
      };
    },
    { priority: "register", serial: input.serial, arrivedAt },
  );
  if (result.awaiting) throw awaitingApproval(input.serial);
  return result;
}

function newParticipantFields(input: RegisterInput, at: Date) {
  return {
    id: `ptc_${randomUUID().replaceAll("-", "")}`,
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
  input: RegisterInput,
  tokenHash: string,
  now: number,
  floor: number,
) {
  const actor = `appliance:${existing.serial}`;
  let state = await loadState(tx, [existing], "any", floor);
  state = await reclaimIfSilent(tx, state, existing, now, actor);
  if (input.platformLimit !== existing.platformLimit || input.localLimit !== existing.localLimit) {
    const outcome = updateLimits(state, existing.id, input.platformLimit, input.localLimit);
    await commitOutcome(tx, state, outcome, new Date(now), actor);
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

/** Who a bearer token names: enough to find the participant again under the pool lock. */
export interface AuthenticatedParticipant {
  id: string;
  serial: string;
  tokenHash: string;
}

/**
 * Runs `work` for the token's participant inside the pool lock, after reclaiming it if it fell
 * silent. The token is checked again under the lock, so a token superseded by a registration in
 * another process is refused exactly.
 */
async function asParticipant<R>(
  services: Services,
  who: AuthenticatedParticipant,
  work: (tx: PoolTransaction, state: AllocState, now: number, current: ParticipantRecord) => Promise<R>,
  options: {
    issuing?: boolean;
    others?: (tx: PoolTransaction) => Promise<Array<ParticipantRow | null>>;
    purpose?: "request" | "any";
    requestId?: string;
    priority?: Priority;
    arrivedAt?: number | undefined;
  } = {},
): Promise<R> {
  const now = services.now();
  const others = options.others ?? (async () => []);
  const floor = services.leases.floor;
  return services.allocations.run(
    async (tx) => {
      const renewLease = await services.serving.guard(tx, now, options.issuing ?? false);
      const current = await tx.findParticipantById(who.id);
      if (!current || current.tokenHash !== who.tokenHash) throw badToken();
      const extra = (await others(tx)).filter((row): row is ParticipantRow => row !== null && row.id !== current.id);
      // A silent participant is reclaimed first, which frees sessions for the queue.
      const reclaiming = isSilent(toSnapshot(current, floor), now, tx.server.refreshIntervalSec);
      let state = await loadState(tx, [current, ...extra], reclaiming ? "any" : options.purpose, floor);
      state = await reclaimIfSilent(tx, state, current, now, `appliance:${current.serial}`);
      const result = await work(tx, state, now, current);
      if (renewLease) await tx.updateParticipant(current.id, { lastSeenAt: new Date(now) });
      return result;
    },
    {
      participantId: who.id,
      priority: options.priority ?? "request",
      arrivedAt: options.arrivedAt,
      ...(options.requestId ? { requestId: options.requestId } : {}),
    },
  );
}

export function badToken(): SlsError {
  return new SlsError(
    "BAD_TOKEN",
    "Missing, unknown or superseded bearer token; register again to get a new one and send it as 'Authorization: Bearer <token>'.",
  );
}

export async function request(
  services: Services,
  participant: AuthenticatedParticipant,
  input: { sessions: number; requestId: string },
  arrivedAt?: number,
) {
  return asParticipant(
    services,
    participant,
    async (tx, state, now) => {
      const replay = await tx.findAppliedRequest(participant.id, input.requestId);
      if (replay) return JSON.parse(replay) as RequestAnswer;
      requireConfigured(tx.server);
      const outcome = requestSessions(state, participant.id, input.sessions);
      await commitOutcome(tx, state, outcome, new Date(now), `appliance:${participant.serial}`);
      const answer: RequestAnswer = { ...outcome.result, refreshIntervalSec: tx.server.refreshIntervalSec };
      await tx.saveAppliedRequest(participant.id, input.requestId, JSON.stringify(answer), new Date(now));
      return answer;
    },
    { issuing: true, purpose: "request", requestId: input.requestId, arrivedAt },
  );
}

export interface RequestAnswer {
  granted: number;
  added: number;
  pending: number;
  refreshIntervalSec: number;
}

export async function release(
  services: Services,
  participant: AuthenticatedParticipant,
  input: { sessions: number },
  arrivedAt?: number,
) {
  return asParticipant(
    services,
    participant,
    async (tx, state, now) => {
      const outcome = releaseSessions(state, participant.id, input.sessions);
      await commitOutcome(tx, state, outcome, new Date(now), `appliance:${participant.serial}`);
      return outcome.result;
    },
    { priority: "release", arrivedAt },
  );
}

export async function transferFrom(
  services: Services,
  participant: AuthenticatedParticipant,
  input: { fromSerial: string },
  arrivedAt?: number,
) {
  return asParticipant(
    services,
    participant,
    async (tx, state, now) => {
      const outcome = transfer(state, participant.id, input.fromSerial);
      await commitOutcome(tx, state, outcome, new Date(now), `appliance:${participant.serial}`);
      return outcome.result;
    },
    { others: async (tx) => [await tx.findParticipantBySerial(input.fromSerial)], arrivedAt },
  );
}

/**
 * Refresh from memory: the lease is found by its token hash in this process's lease table,
 * renewed there and written behind (services/leases). Null sends the call down the locked path:
 * an unknown token, an inUse above the platform limit, a participant silent while holding
 * sessions (it is reclaimed first), or a backup server (which always takes the lock).
 */
export async function refreshFromLease(services: Services, tokenHash: string, input: { inUse: number }) {
  if (services.serving.refreshTakesLock) return null;
  const server = await services.settings.get();
  if (!server) return null;
  const lease = await services.leases.lookup(tokenHash);
  if (!lease || input.inUse > lease.platformLimit) return null;
  const now = services.now();
  const silentBefore = now - SILENT_AFTER_INTERVALS * server.refreshIntervalSec * 1000;
  if ((lease.granted > 0 || lease.pending > 0) && lease.lastSeenAt < silentBefore) return null;
  services.leases.table.renew(lease, input.inUse, now);
  if (lease.persistedAt < silentBefore + WRITE_THROUGH_MARGIN_MS) await services.leases.writeThrough();
  return {
    participantId: lease.id,
    answer: {
      granted: lease.granted,
      pending: lease.pending,
      refreshIntervalSec: server.refreshIntervalSec,
      backup: backupOf(server),
    },
  };
}

/** The locked refresh: reclaims a silent participant first, and activates a backup server. */
export async function refresh(
  services: Services,
  participant: AuthenticatedParticipant,
  input: { inUse: number },
  arrivedAt?: number,
) {
  return asParticipant(
    services,
    participant,
    async (tx, state, _now, current) => {
      if (input.inUse > current.platformLimit) {
        throw new SlsError(
          "INVALID_INPUT",
          `inUse must be between 0 and the platform limit ${current.platformLimit}; got ${input.inUse}.`,
        );
      }
      await tx.updateParticipant(current.id, {
        inUse: input.inUse,
        highWater: Math.max(current.highWater, input.inUse),
      });
      const self = state.participants.find((p) => p.id === current.id)!;
      return {
        granted: self.granted,
        pending: self.pending,
        refreshIntervalSec: tx.server.refreshIntervalSec,
        backup: backupOf(tx.server),
      };
    },
    { priority: "refresh", arrivedAt },
  );
}
