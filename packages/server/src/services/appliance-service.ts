import { randomUUID } from "node:crypto";
import type { AllocState } from "@sls/allocator";
import { isSilent, releaseSessions, requestSessions, transfer, updateLimits } from "@sls/allocator";
import type { ParticipantRow, PoolTransaction, ServerRow } from "@sls/db";
import { newToken } from "../auth/token.ts";
import { SlsError } from "../errors.ts";
import { commitOutcome, loadState, reclaimIfSilent, toSnapshot } from "./allocation.ts";
import type { Services } from "./context.ts";
import { silentCutoff } from "./sweeper.ts";

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
  if (!server || !server.secretHash) {
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

export async function register(services: Services, input: RegisterInput, remoteAddress: string) {
  const verdict = services.secretFailures.verdict(remoteAddress);
  if (verdict.refuse) {
    throw new SlsError(
      "RATE_LIMITED",
      `Too many wrong secrets from ${remoteAddress}; try again in ${Math.ceil(verdict.retryAfterMs / 1000)} s.`,
    );
  }
  if (verdict.delayMs > 0) await sleep(verdict.delayMs);

  const server = await services.store.readServer();
  requireConfigured(server);
  if (!(await services.secrets.matches(input.secret, server.secretHash))) {
    services.secretFailures.recordFailure(remoteAddress);
    services.log.warn("registration refused: wrong shared secret", { serial: input.serial, remoteAddress });
    throw new SlsError("BAD_SECRET", "The shared secret is wrong; check the secret configured on the appliance.");
  }
  services.secretFailures.recordSuccess(remoteAddress);

  const now = services.now();
  const at = new Date(now);
  const result = await services.allocations.run(async (tx) => {
    await services.serving.guard(tx, now, false);
    requireConfigured(tx.server);
    const existing = await tx.findParticipantBySerial(input.serial);
    if (!existing && tx.server.approvalRequired) {
      const row = await tx.createParticipant({ ...newParticipantFields(input, at), approved: false, tokenHash: null });
      await tx.audit([{ at, type: "register-awaiting-approval", actor: `appliance:${input.serial}`, participantId: row.id, serial: row.serial }]);
      return { awaiting: true as const };
    }
    if (existing && !existing.approved) return { awaiting: true as const };

    const { token, hash } = newToken();
    const participant = existing
      ? await reRegister(tx, existing, input, hash, now)
      : await tx.createParticipant({ ...newParticipantFields(input, at), approved: true, tokenHash: hash });
    await tx.audit([
      {
        at,
        type: "register",
        actor: `appliance:${input.serial}`,
        participantId: participant.id,
        serial: participant.serial,
        detail: { hostname: input.hostname, model: input.model, platformLimit: input.platformLimit, localLimit: input.localLimit, again: Boolean(existing) },
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
  });
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
async function reRegister(tx: PoolTransaction, existing: ParticipantRow, input: RegisterInput, tokenHash: string, now: number) {
  const actor = `appliance:${existing.serial}`;
  let state = await loadState(tx, [existing]);
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

/** Runs `work` for the token's participant inside the pool lock, after reclaiming it if it fell silent. */
async function asParticipant<R>(
  services: Services,
  participant: ParticipantRow,
  work: (tx: PoolTransaction, state: AllocState, now: number) => Promise<R>,
  options: { issuing?: boolean; others?: (tx: PoolTransaction) => Promise<Array<ParticipantRow | null>>; purpose?: "request" | "any" } = {},
): Promise<R> {
  const now = services.now();
  const others = options.others ?? (async () => []);
  return services.allocations.run(async (tx) => {
    const renewLease = await services.serving.guard(tx, now, options.issuing ?? false);
    const current = await tx.findParticipantById(participant.id);
    if (!current) throw badToken();
    const extra = (await others(tx)).filter((row): row is ParticipantRow => row !== null && row.id !== current.id);
    // A silent participant is reclaimed first, which frees sessions for the queue.
    const reclaiming = isSilent(toSnapshot(current), now, tx.server.refreshIntervalSec);
    let state = await loadState(tx, [current, ...extra], reclaiming ? "any" : options.purpose);
    state = await reclaimIfSilent(tx, state, current, now, `appliance:${current.serial}`);
    const result = await work(tx, state, now);
    if (renewLease) await tx.updateParticipant(current.id, { lastSeenAt: new Date(now) });
    return result;
  });
}

export function badToken(): SlsError {
  return new SlsError(
    "BAD_TOKEN",
    "Missing, unknown or superseded bearer token; register again to get a new one and send it as 'Authorization: Bearer <token>'.",
  );
}

export async function request(services: Services, participant: ParticipantRow, input: { sessions: number; requestId: string }) {
  return asParticipant(services, participant, async (tx, state, now) => {
    const replay = await tx.findAppliedRequest(participant.id, input.requestId);
    if (replay) return JSON.parse(replay) as RequestAnswer;
    requireConfigured(tx.server);
    const outcome = requestSessions(state, participant.id, input.sessions);
    await commitOutcome(tx, state, outcome, new Date(now), `appliance:${participant.serial}`);
    const answer: RequestAnswer = { ...outcome.result, refreshIntervalSec: tx.server.refreshIntervalSec };
    await tx.saveAppliedRequest(participant.id, input.requestId, JSON.stringify(answer), new Date(now));
    return answer;
  }, { issuing: true, purpose: "request" });
}

export interface RequestAnswer {
  granted: number;
  added: number;
  pending: number;
  refreshIntervalSec: number;
}

export async function release(services: Services, participant: ParticipantRow, input: { sessions: number }) {
  return asParticipant(services, participant, async (tx, state, now) => {
    const outcome = releaseSessions(state, participant.id, input.sessions);
    await commitOutcome(tx, state, outcome, new Date(now), `appliance:${participant.serial}`);
    return outcome.result;
  });
}

export async function transferFrom(services: Services, participant: ParticipantRow, input: { fromSerial: string }) {
  return asParticipant(
    services,
    participant,
    async (tx, state, now) => {
      const outcome = transfer(state, participant.id, input.fromSerial);
      await commitOutcome(tx, state, outcome, new Date(now), `appliance:${participant.serial}`);
      return outcome.result;
    },
    { others: async (tx) => [await tx.findParticipantBySerial(input.fromSerial)] },
  );
}

/**
 * The refresh of a participant that is not silent, with a valid inUse, on a serving main server:
 * one statement finds it by token and renews its lease. Null sends the call down the full path.
 */
export async function refreshFast(services: Services, tokenHash: string, input: { inUse: number }) {
  if (services.serving.refreshTakesLock) return null;
  const server = await services.settings.get();
  if (!server) return null;
  const now = services.now();
  const touched = await services.store.touchByToken({
    tokenHash,
    inUse: input.inUse,
    at: new Date(now),
    silentBefore: silentCutoff(now, server.refreshIntervalSec),
  });
  if (!touched) return null;
  return {
    participantId: touched.id,
    answer: { granted: touched.granted, pending: touched.pending, refreshIntervalSec: server.refreshIntervalSec, backup: backupOf(server) },
  };
}

/**
 * Refresh is the most frequent call and changes no grant, so on the main server it skips the
 * pool lock unless the participant has fallen silent and must be reclaimed first.
 */
export async function refresh(services: Services, participant: ParticipantRow, input: { inUse: number }) {
  if (input.inUse > participant.platformLimit) {
    throw new SlsError(
      "INVALID_INPUT",
      `inUse must be between 0 and the platform limit ${participant.platformLimit}; got ${input.inUse}.`,
    );
  }
  const usage = { inUse: input.inUse, highWater: Math.max(participant.highWater, input.inUse) };
  const now = services.now();
  const server = await services.settings.get();
  if (!server) throw new SlsError("SERVER_NOT_CONFIGURED", "The licensing server is not set up yet.");
  const silentSince = silentCutoff(now, server.refreshIntervalSec).getTime();
  const holdsSomething = participant.granted > 0 || participant.pending > 0;
  if (services.serving.refreshTakesLock || (holdsSomething && participant.lastSeenAt.getTime() < silentSince)) {
    return asParticipant(services, participant, async (tx, state) => {
      await tx.updateParticipant(participant.id, usage);
      const self = state.participants.find((p) => p.id === participant.id)!;
      return { granted: self.granted, pending: self.pending, refreshIntervalSec: tx.server.refreshIntervalSec, backup: backupOf(tx.server) };
    });
  }
  const updated = await services.store.updateParticipant(participant.id, { ...usage, lastSeenAt: new Date(now) });
  return { granted: updated.granted, pending: updated.pending, refreshIntervalSec: server.refreshIntervalSec, backup: backupOf(server) };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
