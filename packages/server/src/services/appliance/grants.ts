import { releaseSessions, requestSessions, transfer } from "@sls/allocator";
import type {
  TGrantOutput,
  TReleaseInput,
  TRequestInput,
  TRequestOutput,
  TTransferInput,
} from "../../contracts/appliance.ts";
import type { Services } from "../context.ts";
import { runAsParticipant } from "./locked-calls.ts";
import { type AuthenticatedParticipant, requireConfigured } from "./shared.ts";

export async function request(
  services: Services,
  participant: AuthenticatedParticipant,
  input: TRequestInput,
  arrivedAt?: number,
): Promise<TRequestOutput> {
  const call = {
    participant,
    priority: "request",
    arrivedAt,
    requestId: input.requestId,
    grantsSessions: true,
    servesQueue: "when-sessions-idle",
  } as const;
  return runAsParticipant(services, call, async ({ tx, state, now, commit }) => {
    const replay = await tx.findAppliedRequest(participant.id, input.requestId);
    if (replay) return JSON.parse(replay) as TRequestOutput;
    requireConfigured(tx.server);
    const outcome = requestSessions(state, participant.id, input.sessions);
    await commit(outcome);
    const answer: TRequestOutput = { ...outcome.result, refreshIntervalSec: tx.server.refreshIntervalSec };
    await tx.saveAppliedRequest(participant.id, input.requestId, JSON.stringify(answer), new Date(now));
    return answer;
  });
}

export async function release(
  services: Services,
  participant: AuthenticatedParticipant,
  input: TReleaseInput,
  arrivedAt?: number,
): Promise<TGrantOutput> {
  return runAsParticipant(services, { participant, priority: "release", arrivedAt }, async ({ state, commit }) => {
    const outcome = releaseSessions(state, participant.id, input.sessions);
    await commit(outcome);
    return outcome.result;
  });
}

export async function transferFrom(
  services: Services,
  participant: AuthenticatedParticipant,
  input: TTransferInput,
  arrivedAt?: number,
): Promise<TGrantOutput> {
  const call = { participant, priority: "request", arrivedAt, peerSerial: input.fromSerial } as const;
  return runAsParticipant(services, call, async ({ state, commit }) => {
    const outcome = transfer(state, participant.id, input.fromSerial);
    await commit(outcome);
    return outcome.result;
  });
}
