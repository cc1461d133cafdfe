import { releaseSessions, requestSessions, transfer } from "@sls/allocator";
import type {
  TGrantOutput,
  TReleaseInput,
  TRequestInput,
  TRequestOutput,
  TTransferInput,
} from "../../contracts/appliance.ts";
import { commitOutcome } from "../allocation.ts";
import type { Services } from "../context.ts";
import { type AuthenticatedParticipant, asParticipant, requireConfigured } from "./shared.ts";

export async function request(
  services: Services,
  participant: AuthenticatedParticipant,
  input: TRequestInput,
  arrivedAt?: number,
): Promise<TRequestOutput> {
  return asParticipant(
    services,
    participant,
    async (tx, state, now) => {
      const replay = await tx.findAppliedRequest(participant.id, input.requestId);
      if (replay) return JSON.parse(replay) as TRequestOutput;
      requireConfigured(tx.server);
      const outcome = requestSessions(state, participant.id, input.sessions);
      await commitOutcome(tx, state, outcome, new Date(now), `appliance:${participant.serial}`);
      const answer: TRequestOutput = { ...outcome.result, refreshIntervalSec: tx.server.refreshIntervalSec };
      await tx.saveAppliedRequest(participant.id, input.requestId, JSON.stringify(answer), new Date(now));
      return answer;
    },
    { issuing: true, purpose: "request", requestId: input.requestId, arrivedAt },
  );
}

export async function release(
  services: Services,
  participant: AuthenticatedParticipant,
  input: TReleaseInput,
  arrivedAt?: number,
): Promise<TGrantOutput> {
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
  input: TTransferInput,
  arrivedAt?: number,
): Promise<TGrantOutput> {
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
