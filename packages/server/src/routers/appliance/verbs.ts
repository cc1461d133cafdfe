import type { z } from "zod";
import {
  ZGrantOutput,
  ZRefreshInput,
  ZRefreshOutput,
  ZRegisterInput,
  ZRegisterOutput,
  ZReleaseInput,
  ZRequestInput,
  ZRequestOutput,
  ZTransferInput,
} from "../../contracts/appliance.ts";
import { release, request, transferFrom } from "../../services/appliance/grants.ts";
import { register } from "../../services/appliance/registration.ts";
import { refresh } from "../../services/appliance/refresh.ts";
import type { AuthenticatedParticipant } from "../../services/appliance/shared.ts";
import type { Context } from "../../trpc.ts";
import { refreshFromMemory } from "./refresh.ts";

/** What a verb's work sees: the call's context, whom it is counted for, and the participant its token named. */
export interface VerbContext extends Pick<Context, "services" | "remoteAddress" | "authorization" | "arrivedAt"> {
  call: { participantId: string | null };
  /** Set for an `authenticated` verb once its bearer token has been checked; null for the others. */
  participant: AuthenticatedParticipant | null;
}

/**
 * One appliance verb, as both its tRPC procedure (index.ts) and the lean HTTP path (lean-call.ts)
 * run it: after the serving check, the bearer token when `authenticated`, then the input schema,
 * `run`, and the output schema.
 */
export interface ApplianceVerb<In extends z.ZodType, Out extends z.ZodType> {
  readonly input: In;
  readonly output: Out;
  readonly authenticated: boolean;
  run(ctx: VerbContext, input: z.output<In>): Promise<z.input<Out>>;
}

const verb = <In extends z.ZodType, Out extends z.ZodType>(v: ApplianceVerb<In, Out>) => v;

function participantOf(ctx: VerbContext): AuthenticatedParticipant {
  if (!ctx.participant) throw new Error("an authenticated verb ran without the participant its token named");
  return ctx.participant;
}

export const APPLIANCE_VERBS = {
  register: verb({
    input: ZRegisterInput,
    output: ZRegisterOutput,
    authenticated: false,
    async run(ctx, input) {
      const { participantId, answer } = await register(ctx.services, input, ctx.remoteAddress, ctx.arrivedAt);
      ctx.call.participantId = participantId;
      return answer;
    },
  }),
  request: verb({
    input: ZRequestInput,
    output: ZRequestOutput,
    authenticated: true,
    run: (ctx, input) => request(ctx.services, participantOf(ctx), input, ctx.arrivedAt),
  }),
  // Checks its token itself, after the input: most refreshes are answered from memory (refresh.ts).
  refresh: verb({
    input: ZRefreshInput,
    output: ZRefreshOutput,
    authenticated: false,
    async run(ctx, input) {
      const { participant, answer } = await refreshFromMemory(ctx, ctx.call, input);
      return answer ?? refresh(ctx.services, participant, input, ctx.arrivedAt);
    },
  }),
  release: verb({
    input: ZReleaseInput,
    output: ZGrantOutput,
    authenticated: true,
    run: (ctx, input) => release(ctx.services, participantOf(ctx), input, ctx.arrivedAt),
  }),
  transfer: verb({
    input: ZTransferInput,
    output: ZGrantOutput,
    authenticated: true,
    run: (ctx, input) => transferFrom(ctx.services, participantOf(ctx), input, ctx.arrivedAt),
  }),
};

export type VerbName = keyof typeof APPLIANCE_VERBS;
