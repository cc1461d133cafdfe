import { createHash } from "node:crypto";
import { OPENAPI_PATH, type OpenApiDocument } from "./document.ts";

type JsonSchema = Record<string, unknown>;

interface Field {
  name: string;
  type: string;
  required: boolean;
  rules: string[];
}

const STYLE = `
body { font: 15px/1.5 system-ui, sans-serif; color: #1f2937; max-width: 72rem; margin: 0 auto; padding: 1rem 2rem 4rem; }
h1 { font-size: 1.6rem; } h2 { margin-top: 2.5rem; border-bottom: 1px solid #d1d5db; } h3 { margin: 2rem 0 .5rem; font-size: 1.05rem; }
code { font: 13px ui-monospace, monospace; background: #f3f4f6; padding: 0 .2rem; border-radius: 3px; }
table { border-collapse: collapse; width: 100%; margin: .4rem 0 1rem; font-size: 14px; }
th, td { text-align: left; vertical-align: top; border-bottom: 1px solid #e5e7eb; padding: .3rem .5rem; }
th { background: #f9fafb; font-weight: 600; }
.method { font-weight: 700; color: #fff; background: #2563eb; padding: .1rem .4rem; border-radius: 3px; margin-right: .4rem; }
.method.get { background: #059669; }
.who { color: #4b5563; margin: 0; }
nav ul { columns: 3 16rem; padding-left: 1rem; }
`;

/** The page's policy: nothing but its own style element; no script, no frame, no form, no request. */
export const REFERENCE_PAGE_POLICY = [
  "default-src 'none'",
  `style-src 'sha256-${createHash("sha256").update(STYLE).digest("base64")}'`,
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join("; ");

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);

/** Escaped text with `code` spans and blank-line paragraphs: all the markdown the document's texts use. */
function prose(text: string): string {
  return text
    .split(/\n\s*\n/)
    .map(
      (paragraph) =>
        `<p>${escapeHtml(paragraph.replace(/\s*\n\s*/g, " ")).replace(/`([^`]+)`/g, "<code>$1</code>")}</p>`,
    )
    .join("\n");
}

function typeOf(schema: JsonSchema): string {
  if ("const" in schema) return JSON.stringify(schema.const);
  if (Array.isArray(schema.enum)) return schema.enum.map((value) => JSON.stringify(value)).join(" | ");
  const variants = (schema.anyOf ?? schema.oneOf) as JsonSchema[] | undefined;
  if (variants) return variants.map(typeOf).join(" | ");
  if (schema.type === "array") return `${typeOf((schema.items as JsonSchema) ?? {})}[]`;
  if (Array.isArray(schema.type)) return schema.type.join(" | ");
  return typeof schema.type === "string" ? schema.type : "any";
}

const RULES: [key: string, say: (value: unknown) => string][] = [
  ["minLength", (v) => `at least ${v} characters`],
  ["maxLength", (v) => `at most ${v} characters`],
  ["minimum", (v) => `≥ ${v}`],
  ["maximum", (v) => `≤ ${v}`],
  ["exclusiveMinimum", (v) => `> ${v}`],
  ["pattern", (v) => `matches ${v}`],
  ["format", (v) => `format ${v}`],
  ["minItems", (v) => `at least ${v} items`],
  ["maxItems", (v) => `at most ${v} items`],
  ["default", (v) => `default ${JSON.stringify(v)}`],
  ["description", (v) => String(v)],
];

/** Every field of a schema, nested ones as `parent.child` and array items as `list[].field`. */
function fieldsOf(schema: JsonSchema, name = "", required = true): Field[] {
  const rules = RULES.filter(([key]) => key in schema).map(([key, say]) => say(schema[key]));
  const own: Field[] = name ? [{ name, type: typeOf(schema), required, rules }] : [];
  const variants = ((schema.anyOf ?? schema.oneOf) as JsonSchema[] | undefined) ?? [];
  const inner = [schema, ...variants, ...(schema.type === "array" ? [schema.items as JsonSchema] : [])];
  const prefix = (child: string) => (name ? `${name}${schema.type === "array" ? "[]" : ""}.${child}` : child);
  const nested = inner.flatMap((part) => {
    const properties = (part?.properties ?? {}) as Record<string, JsonSchema>;
    const requiredNames = new Set((part?.required ?? []) as string[]);
    const children = Object.entries(properties).flatMap(([key, child]) =>
      fieldsOf(child, prefix(key), requiredNames.has(key)),
    );
    const extra = part?.additionalProperties;
    return typeof extra === "object" && extra !== null
      ? [...children, ...fieldsOf(extra as JsonSchema, prefix("<key>"), false)]
      : children;
  });
  return [...own, ...nested];
}

function fieldTable(schema: JsonSchema | undefined): string {
  const fields = schema ? fieldsOf(schema) : [];
  if (fields.length === 0) return `<p>${schema ? `<code>${escapeHtml(typeOf(schema))}</code>` : "nothing"}</p>`;
  const rows = fields.map(
    (f) =>
      `<tr><td><code>${escapeHtml(f.name)}</code>${f.required ? "" : " (optional)"}</td><td><code>${escapeHtml(f.type)}</code></td><td>${f.rules.map((rule) => prose(rule).slice(3, -4)).join("; ")}</td></tr>`,
  );
  return `<table><thead><tr><th>field</th><th>type</th><th>rules</th></tr></thead><tbody>${rows.join("")}</tbody></table>`;
}

type OperationEntry = { path: string; method: string; operation: OpenApiDocument["paths"][string][string] };

function operationsOf(document: OpenApiDocument): OperationEntry[] {
  return Object.entries(document.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, operation]) => ({ path, method, operation })),
  );
}

function jsonOf(content: unknown): JsonSchema | undefined {
  return (content as { "application/json"?: { schema: JsonSchema } } | undefined)?.["application/json"]?.schema;
}

function inputOf({ method, operation }: OperationEntry): string {
  const query = operation.parameters.find((p) => p.name === "input");
  const body = "requestBody" in operation ? operation.requestBody : undefined;
  const source = query ?? body;
  if (!source) return "<p>No input.</p>";
  const where = method === "get" ? "the <code>input</code> query parameter, URL-encoded JSON" : "the JSON body";
  return `<p>Input (${where}${source.required ? "" : ", may be left out"}):</p>${fieldTable(jsonOf(source.content))}`;
}

function answerOf(operation: OperationEntry["operation"]): string {
  const ok = jsonOf(operation.responses["200"].content) as {
    properties: { result: { properties: { data: JsonSchema } } };
  };
  return `<p>Answer (<code>result.data</code>):</p>${fieldTable(ok.properties.result.properties.data)}`;
}

function refusalsOf(operation: OperationEntry["operation"]): string {
  const rows = Object.entries(operation.responses)
    .filter(([status]) => status !== "200")
    .map(([status, response]) => `<tr><td>${escapeHtml(status)}</td><td>${prose(response.description)}</td></tr>`);
  return `<table><thead><tr><th>HTTP status</th><th>reason (<code>error.data.reason</code>)</th></tr></thead><tbody>${rows.join("")}</tbody></table>`;
}

function operationSection(entry: OperationEntry): string {
  const { path, method, operation } = entry;
  return `<section id="${escapeHtml(operation.operationId)}">
<h3><span class="method ${method}">${method.toUpperCase()}</span><code>${escapeHtml(path)}</code></h3>
<p class="who">${prose(operation.description).slice(3, -4)}</p>
${inputOf(entry)}
${answerOf(operation)}
<p>Refusals:</p>${refusalsOf(operation)}
</section>`;
}

function securitySection(document: OpenApiDocument): string {
  const rows = Object.entries(document.components.securitySchemes).map(
    ([name, scheme]) =>
      `<tr><td><code>${name}</code></td><td>${"scheme" in scheme ? `<code>Authorization: Bearer …</code>` : `cookie <code>${escapeHtml(scheme.name)}</code>`}</td><td>${prose(scheme.description).slice(3, -4)}</td></tr>`,
  );
  return `<table><thead><tr><th>scheme</th><th>sent as</th><th>what it is</th></tr></thead><tbody>${rows.join("")}</tbody></table>`;
}

/** The reference page: the document rendered as plain HTML on the server, without a single script. */
export function renderReferencePage(document: OpenApiDocument): string {
  const operations = operationsOf(document);
  const tags = [...new Set(operations.map((entry) => entry.operation.tags[0]!))];
  const byTag = (tag: string) => operations.filter((entry) => entry.operation.tags[0] === tag);
  const nav = tags
    .map(
      (tag) =>
        `<li>${escapeHtml(tag)}: ${byTag(tag)
          .map(({ operation }) => {
            const id = escapeHtml(operation.operationId);
            return `<a href="#${id}">${id.slice(tag.length + 1)}</a>`;
          })
          .join(", ")}</li>`,
    )
    .join("");
  const sections = tags.map(
    (tag) => `<h2 id="tag-${escapeHtml(tag)}">${escapeHtml(tag)}</h2>\n${byTag(tag).map(operationSection).join("\n")}`,
  );
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(document.info.title)}: reference</title>
<style>${STYLE}</style>
</head>
<body>
<header>
<h1>${escapeHtml(document.info.title)}, version ${escapeHtml(document.info.version)}</h1>
${prose(document.info.description)}
<p>The machine-readable description: <a href="${OPENAPI_PATH}">${OPENAPI_PATH}</a> (OpenAPI ${escapeHtml(document.openapi)}).</p>
</header>
<h2>Credentials</h2>
${securitySection(document)}
<nav><h2>Procedures</h2><ul>${nav}</ul></nav>
<main>
${sections.join("\n")}
</main>
</body>
</html>
`;
}
