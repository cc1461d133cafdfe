import type { AnyProcedure } from "@trpc/server";
import { z } from "zod";
import { sessionCookieName } from "../auth/cookies.ts";
import { CONSOLE_HEADER } from "../auth/web-request.ts";
import { TRPC_BASE_PATH } from "../http/procedure-paths.ts";
import { appRouter } from "../root.ts";
import type { VerbName } from "../routers/appliance/verbs.ts";
import { byStatus, meaningOf, refusalsOf, verbNeedsToken, ZErrorAnswer } from "./error-answers.ts";
import { accessOf, type ProcedureAccess } from "./procedure-access.ts";

/** The router families the document describes: the appliance protocol and the console's API. */
const DESCRIBED_AREAS = ["appliance", "admin"] as const;

export const OPENAPI_PATH = "/api/openapi.json";
export const REFERENCE_PATH = "/api/reference";

type JsonSchema = Record<string, unknown>;

const ERROR_ANSWER_REF = "#/components/schemas/ErrorAnswer";
export type OpenApiDocument = ReturnType<typeof buildDocument>;

interface ProcedureDef {
  type: "query" | "mutation" | "subscription";
  inputs: z.ZodType[];
  output?: z.ZodType;
}

/** A zod schema as JSON Schema 2020-12 (OpenAPI 3.1's dialect), as it is read (`input`) or written (`output`). */
function jsonSchemaOf(schema: z.ZodType, io: "input" | "output"): JsonSchema {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, {
    io,
    target: "draft-2020-12",
    override: withoutSafeIntegerBounds,
  });
  return rest;
}

/** zod bounds every `.int()` by ±(2⁵³ − 1); said on every integer of every answer, it only hides the real bounds. */
function withoutSafeIntegerBounds({ jsonSchema }: { jsonSchema: JsonSchema }): void {
  if (jsonSchema.minimum === Number.MIN_SAFE_INTEGER) delete jsonSchema.minimum;
  if (jsonSchema.maximum === Number.MAX_SAFE_INTEGER) delete jsonSchema.maximum;
}

function inputSchemaOf(def: ProcedureDef): { schema: JsonSchema; required: boolean } | null {
  if (def.inputs.length === 0) return null;
  const schemas = def.inputs.map((input) => jsonSchemaOf(input, "input"));
  return {
    schema: schemas.length === 1 ? schemas[0]! : { allOf: schemas },
    // An input that accepts nothing at all may be left out; one with defaults still needs `{}`.
    required: !def.inputs.every((input) => input.safeParse(undefined).success),
  };
}

const json = (schema: JsonSchema) => ({ "application/json": { schema } });

const SECURITY: Record<ProcedureAccess, Record<string, string[]>[]> = {
  admin: [{ bearerAuth: [] }, { sessionCookie: [] }],
  viewer: [{ bearerAuth: [] }, { sessionCookie: [] }],
  appliance: [{ applianceToken: [] }],
  public: [],
};

const WHO: Record<ProcedureAccess, string> = {
  admin: "An administrator: an API token of scope `admin`, or an administrator's console session.",
  viewer: "Any console account: an API token of scope `viewer` or `admin`, or a console session.",
  appliance: "An appliance, with the token `appliance.register` answered.",
  public: "Anyone who knows the fleet's shared secret (it is the body's `secret`).",
};

function operationOf(path: string, procedure: AnyProcedure) {
  const def = procedure._def as unknown as ProcedureDef;
  const access = tokenlessVerb(path) ? "public" : accessOf(procedure);
  const input = inputSchemaOf(def);
  const refusals = refusalsOf(path, access);
  const consoleCall = access === "admin" || access === "viewer";
  // An appliance call's refusals are listed whole (the spec names them); a console procedure's
  // are the common ones, and its own come under the same statuses or `default`.
  const errorResponses = Object.fromEntries(
    byStatus(refusals).map(([status, reasons]) => [
      String(status),
      {
        description: [
          ...reasons.map((reason) => `\`${reason}\`: ${meaningOf(reason)}.`),
          ...(consoleCall ? ["Or a refusal of this procedure's own (every reason: docs/reasons.md)."] : []),
        ].join("\n\n"),
        content: json(consoleCall ? { $ref: ERROR_ANSWER_REF } : errorAnswerWith(reasons)),
      },
    ]),
  );
  const [area, group] = path.split(".");
  return {
    operationId: path,
    summary: path,
    description: WHO[access],
    tags: [area === "admin" ? `${area}.${group}` : area!],
    security: SECURITY[access],
    parameters: [
      ...(def.type === "query" && input
        ? [{ name: "input", in: "query", required: input.required, content: json(input.schema) }]
        : []),
      ...(consoleCall && def.type === "mutation"
        ? [
            {
              name: CONSOLE_HEADER,
              in: "header",
              required: false,
              description:
                "Any value. Required with the session cookie (a cross-site form cannot send it); not with a bearer token.",
              schema: { type: "string" },
            },
          ]
        : []),
    ],
    ...(def.type === "mutation" && input
      ? { requestBody: { required: input.required, content: json(input.schema) } }
      : {}),
    responses: {
      "200": {
        description: "The call's answer.",
        content: json({
          type: "object",
          properties: {
            result: {
              type: "object",
              properties: { data: def.output ? jsonSchemaOf(def.output, "output") : {} },
              required: ["data"],
            },
          },
          required: ["result"],
        }),
      },
      ...errorResponses,
      ...(consoleCall
        ? {
            default: {
              description: "Any other refusal of this procedure (every reason: docs/reasons.md).",
              content: json({ $ref: ERROR_ANSWER_REF }),
            },
          }
        : {}),
    },
  };
}

/** The shared error shape, its `reason` narrowed to those that travel under one status. */
function errorAnswerWith(reasons: readonly string[]): JsonSchema {
  const object = (properties: JsonSchema) => ({ type: "object", properties });
  const narrowed = object({ error: object({ data: object({ reason: { enum: reasons } }) }) });
  return { allOf: [{ $ref: ERROR_ANSWER_REF }, narrowed] };
}

function tokenlessVerb(path: string): boolean {
  const [area, verb] = path.split(".");
  return area === "appliance" && !verbNeedsToken(verb as VerbName);
}

const DESCRIPTION = `The appliance protocol (version 1) and the console's API, as this server runs them: tRPC over
HTTP with plain JSON (no transformer, no batching). A query is \`GET ${TRPC_BASE_PATH}<procedure>?input=<the input as
URL-encoded JSON>\`, a mutation \`POST ${TRPC_BASE_PATH}<procedure>\` with the input as the JSON body. Every answer is
JSON: \`{"result":{"data":…}}\`, or tRPC's error shape with the HTTP status of its code, \`error.data.code\` and a
stable \`error.data.reason\` (every reason with what to do: docs/reasons.md). A refused call changes nothing.

The appliance calls are also served on the licence port (\`SLS_LICENSE_PORT\`) when it is set, on any host name;
the console's procedures answer only to the host names in \`SLS_ALLOWED_HOSTS\`. This document is generated from
the server's own routers and zod contracts.`;

/** The appliance protocol's version: the console's API changes with it, never apart. */
const API_VERSION = "1";

function buildDocument() {
  const procedures = appRouter._def.procedures as unknown as Record<string, AnyProcedure>;
  const described = Object.entries(procedures)
    .filter(([path]) => DESCRIBED_AREAS.some((area) => path.startsWith(`${area}.`)))
    .sort(([a], [b]) => areaRank(a) - areaRank(b));
  const paths = Object.fromEntries(
    described.map(([path, procedure]) => {
      const method = (procedure._def as unknown as ProcedureDef).type === "query" ? "get" : "post";
      return [`${TRPC_BASE_PATH}${path}`, { [method]: operationOf(path, procedure) }];
    }),
  );
  return {
    openapi: "3.1.0",
    info: { title: "Shared License Server API", version: API_VERSION, description: DESCRIPTION },
    paths,
    components: {
      securitySchemes: {
        applianceToken: {
          type: "http",
          scheme: "bearer",
          description:
            "The token `appliance.register` answers (`slt_…`); a newer registration of the serial supersedes it.",
        },
        bearerAuth: {
          type: "http",
          scheme: "bearer",
          description: "An API token an administrator made in the console, of scope `viewer` (reads) or `admin`.",
        },
        sessionCookie: {
          type: "apiKey",
          in: "cookie",
          name: sessionCookieName(false),
          description: `The console's session, set by signing in (\`auth.login\`); named \`${sessionCookieName(true)}\` over HTTPS. Mutations with it also need the \`${CONSOLE_HEADER}\` header and no foreign \`Origin\`.`,
        },
      },
      schemas: { ErrorAnswer: jsonSchemaOf(ZErrorAnswer, "output") },
    },
  };
}

function areaRank(path: string): number {
  return DESCRIBED_AREAS.findIndex((area) => path.startsWith(`${area}.`));
}

let built: OpenApiDocument | null = null;

/** The OpenAPI 3.1 document of the appliance and admin procedures, built once per process. */
export function openApiDocument(): OpenApiDocument {
  built ??= buildDocument();
  return built;
}
