import { reclaim, type ReclaimCause } from "@sls/allocator";
import type { AccountRow, ParticipantRow, PoolTransaction } from "@sls/db";
import type { TParticipantListInput } from "../../contracts/admin/participants.ts";
import { SlsError } from "../../errors.ts";
import { commitOutcome, loadState } from "../pool/allocation.ts";
import { adminActor } from "./events.ts";
import type { Services } from "../context.ts";
import { currentStateCutoffs, stateOf } from "../liveness.ts";

type ParticipantServices = Pick<Services, "store" | "now">;
type ParticipantPageServices = Pick<Services, "store" | "now" | "leases">;

export async function listParticipants(services: ParticipantPageServices, input: TParticipantListInput) {
  // In-use figures and leases are renewed in memory and written behind: show the latest.
  await services.leases.flush();
  const cutoffs = await currentStateCutoffs(services);
  const { page, pageSize, ...query } = input;
  const { rows, total } = await services.store.participantQueries.page({
    ...query,
    offset: (page - 1) * pageSize,
    limit: pageSize,
    cutoffs,
  });
  return { rows: rows.map((row) => ({ ...row, state: stateOf(row, cutoffs) })), total };
}

export async function participantDetail(services: ParticipantPageServices, serial: string) {
  // In-use figures and leases are renewed in memory and written behind: show the latest.
  await services.leases.flush();
  const [row, cutoffs] = await Promise.all([
    services.store.participantQueries.findBySerial(serial),
    currentStateCutoffs(services),
  ]);
  if (!row) throw notFound(serial);
  const counters = await services.store.participantCounters(row.id);
  return { participant: { ...row, state: stateOf(row, cutoffs) }, counters };
}

/** Its granted and pending after each change since `from`, starting from where it stood then. */
export async function participantHistory(services: ParticipantServices, serial: string, from: Date) {
  const queries = services.store.auditQueries;
  const [start, changes, current] = await Promise.all([
    queries.lastGrantBefore(serial, from),
    queries.grantHistory(serial, from),
    services.store.participantQueries.findBySerial(serial),
  ]);
  if (!current) throw notFound(serial);
  const point = (at: Date, granted: number | null, pending: number | null) => ({
    at,
    granted: granted ?? 0,
    pending: pending ?? 0,
  });
  return [
    point(from, start?.grantedAfter ?? 0, start?.pendingAfter ?? 0),
    ...changes.map((c) => point(c.at, c.grantedAfter, c.pendingAfter)),
    point(new Date(services.now()), current.granted, current.pending),
  ];
}

export async function approveParticipant(services: ParticipantServices, by: AccountRow, serial: string): Promise<void> {
  await asAdmin(services, serial, async (tx, participant, at) => {
    if (participant.approved) return;
    await tx.updateParticipant(participant.id, { approved: true });
    await tx.audit([{ at, type: "admin.approve", actor: adminActor(by), participantId: participant.id, serial }]);
  });
}

/** Takes the participant's grant and pending back; freed sessions serve the pending queue. */
export function forceRelease(services: ParticipantServices, by: AccountRow, serial: string) {
  return reclaimAs(services, by, serial, "force-release");
}

/** Takes everything back, then deletes the participant; its audit history stays. */
export function removeParticipant(services: ParticipantServices, by: AccountRow, serial: string) {
  return reclaimAs(services, by, serial, "remove");
}

async function reclaimAs(
  services: ParticipantServices,
  by: AccountRow,
  serial: string,
  cause: Extract<ReclaimCause, "force-release" | "remove">,
) {
  return asAdmin(services, serial, async (tx, participant, at) => {
    const actor = adminActor(by);
    const state = await loadState(tx, [participant]);
    const outcome = reclaim(state, participant.id, cause);
    await commitOutcome(tx, state, outcome, at, actor);
    if (cause === "remove") await tx.deleteParticipant(participant.id);
    await tx.audit([
      { at, type: `admin.${cause}`, actor, participantId: participant.id, serial, detail: { ...outcome.result } },
    ]);
    return outcome.result;
  });
}

function asAdmin<R>(
  services: ParticipantServices,
  serial: string,
  work: (tx: PoolTransaction, participant: ParticipantRow, at: Date) => Promise<R>,
) {
  return services.store.inPoolTransaction(async (tx) => {
    const participant = await tx.findParticipantBySerial(serial);
    if (!participant) throw notFound(serial);
    return work(tx, participant, new Date(services.now()));
  });
}

function notFound(serial: string): SlsError {
  return new SlsError("NOT_FOUND", `No participant has serial ${serial}; it may have been removed.`);
}
