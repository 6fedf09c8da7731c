/**
 * `/docs`: the API reference, rendered by the Worker from its own OpenAPI document (no CDN, no docs bundle: it works
 * offline and weighs what its HTML weighs). Operations grouped by tag, each with its method and path, summary,
 * parameters, request body and responses; schemas listed once with their properties and linked from where they are
 * used. The document itself stays at /openapi.json for tools.
 */
import type { Child } from "hono/jsx";
import type { Context, Handler } from "hono";
import { Layout, sendPage } from "../layout";
import type { WebBindings, WebContext } from "../viewer";

type Schema = { [key: string]: any };
interface OpenApiDocument {
  info: { title: string; version: string; description?: string };
  paths: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, Schema>; securitySchemes?: Record<string, Schema> };
  tags?: { name: string; description?: string }[];
}
interface Operation {
  operationId?: string;
  summary?: string;
  description?: string;
  tags?: string[];
  security?: Record<string, string[]>[];
  parameters?: { name: string; in: string; required?: boolean; description?: string; schema?: Schema }[];
  requestBody?: { required?: boolean; description?: string; content?: Record<string, { schema?: Schema }> };
  responses?: Record<string, { description?: string; content?: Record<string, { schema?: Schema }> }>;
}

const METHODS = ["get", "post", "put", "patch", "delete"];
const MAX_DEPTH = 4;

const refName = (ref: string) => ref.slice(ref.lastIndexOf("/") + 1);
const slug = (text: string) => text.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "");

function TypeOf(props: { schema: Schema | undefined }): Child {
  const s = props.schema;
  if (!s) return <span>any</span>;
  if (typeof s.$ref === "string") {
    const name = refName(s.$ref);
    return <a href={`#schema-${slug(name)}`}>{name}</a>;
  }
  const union = (s.anyOf ?? s.oneOf) as Schema[] | undefined;
  if (union) return join(union.map((part) => <TypeOf schema={part} />), " | ");
  if (s.const !== undefined) return <code>{JSON.stringify(s.const)}</code>;
  if (Array.isArray(s.enum)) return <code>{s.enum.map((v: unknown) => JSON.stringify(v)).join(" | ")}</code>;
  const types: string[] = Array.isArray(s.type) ? s.type : s.type ? [s.type] : s.properties ? ["object"] : [];
  if (types.length === 0) return <span>any</span>;
  return join(
    types.map((type) => (type === "array" ? <>array of <TypeOf schema={s.items as Schema | undefined} /></> : <span>{s.format ? `${type} (${s.format})` : type}</span>)),
    " | ",
  );
}

function join(parts: Child[], separator: string): Child {
  return parts.map((part, i) => (i === 0 ? part : <>{separator}{part}</>));
}

function constraints(s: Schema): string {
  const notes: string[] = [];
  if (s.minimum !== undefined) notes.push(`≥ ${s.minimum}`);
  if (s.maximum !== undefined) notes.push(`≤ ${s.maximum}`);
  if (s.minLength !== undefined) notes.push(`length ≥ ${s.minLength}`);
  if (s.maxLength !== undefined) notes.push(`length ≤ ${s.maxLength}`);
  if (s.default !== undefined) notes.push(`default ${JSON.stringify(s.default)}`);
  if (s.pattern !== undefined) notes.push(`pattern ${s.pattern}`);
  return notes.length ? ` (${notes.join(", ")})` : "";
}

/** An object's properties as a nested list (inline objects expanded, references linked). */
function Properties(props: { schema: Schema; depth: number }): Child {
  const s = props.schema;
  const properties = (s.properties ?? {}) as Record<string, Schema>;
  const required = new Set<string>(s.required ?? []);
  const names = Object.keys(properties);
  if (names.length === 0) return null;
  return (
    <ul>
      {names.map((name) => {
        const property = properties[name]!;
        const inner = property.type === "array" ? (property.items as Schema | undefined) : property;
        const expand = props.depth < MAX_DEPTH && inner && !inner.$ref && inner.properties;
        return (
          <li>
            <code>{name}</code> <TypeOf schema={property} />
            {required.has(name) ? " required" : ""}
            {constraints(property)}
            {property.description ? `: ${property.description}` : ""}
            {expand ? <Properties schema={inner} depth={props.depth + 1} /> : null}
          </li>
        );
      })}
    </ul>
  );
}

function SchemaBlock(props: { schema: Schema | undefined }): Child {
  const s = props.schema;
  if (!s) return null;
  const inner = s.type === "array" && s.items && !s.items.$ref ? (s.items as Schema) : s;
  return (
    <>
      <p>
        <TypeOf schema={s} />
        {s.description ? `: ${s.description}` : ""}
      </p>
      {!inner.$ref && inner.properties ? <Properties schema={inner} depth={1} /> : null}
    </>
  );
}

function OperationItem(props: { method: string; path: string; op: Operation }) {
  const { op } = props;
  const anonymous = Array.isArray(op.security) && (op.security.length === 0 || op.security.some((r) => Object.keys(r).length === 0));
  const parameters = op.parameters ?? [];
  const body = op.requestBody?.content ? Object.entries(op.requestBody.content) : [];
  const responses = Object.entries(op.responses ?? {});
  // Every error answers the same envelope, described once (#errors): here only which statuses can occur.
  const successes = responses.filter(([status]) => !/^[45]/.test(status));
  const errors = responses.filter(([status]) => /^[45]/.test(status));
  return (
    <details id={op.operationId ? `op-${slug(op.operationId)}` : undefined}>
      <summary>
        <span class="method">{props.method.toUpperCase()}</span> <code>{props.path}</code>
        {op.summary ? ` ${op.summary}` : null}
      </summary>
      {op.description ? <p>{op.description}</p> : null}
      <p class="muted">
        {op.operationId ? `operationId ${op.operationId} · ` : ""}
        {anonymous ? "no token needed" : "a bearer token or a web session"}
      </p>
      {parameters.length > 0 ? (
        <>
          <h4>Parameters</h4>
          <ul>
            {parameters.map((p) => (
              <li>
                <code>{p.name}</code> {`(${p.in}${p.required ? ", required" : ""}) `}
                <TypeOf schema={p.schema} />
                {p.schema ? constraints(p.schema) : ""}
                {p.description ? `: ${p.description}` : p.schema?.description ? `: ${p.schema.description}` : ""}
              </li>
            ))}
          </ul>
        </>
      ) : null}
      {body.length > 0 ? (
        <>
          <h4>{`Request body${op.requestBody?.required ? "" : " (optional)"}`}</h4>
          {body.map(([type, media]) => (
            <>
              <p>
                <code>{type}</code>
              </p>
              <SchemaBlock schema={media.schema} />
            </>
          ))}
        </>
      ) : null}
      <h4>Responses</h4>
      <ul>
        {successes.map(([status, response]) => (
          <li>
            <strong>{status}</strong>
            {response.description ? ` ${response.description}` : ""}
            {Object.values(response.content ?? {}).map((media) => (media.schema ? <SchemaBlock schema={media.schema} /> : null))}
          </li>
        ))}
        {errors.length > 0 ? (
          <li>
            {`Errors: ${errors.map(([status]) => status).join(", ")} (`}
            <a href="#errors">the error envelope</a>)
          </li>
        ) : null}
      </ul>
    </details>
  );
}

function ApiReference(props: { doc: OpenApiDocument }) {
  const { doc } = props;
  const byTag = new Map<string, { method: string; path: string; op: Operation }[]>();
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    for (const method of METHODS) {
      const op = item[method];
      if (!op) continue;
      const tag = op.tags?.[0] ?? "Other";
      if (!byTag.has(tag)) byTag.set(tag, []);
      byTag.get(tag)!.push({ method, path, op });
    }
  }
  const tags = [...byTag.keys()];
  const errorStatuses = new Map<string, string>();
  for (const entries of byTag.values()) {
    for (const { op } of entries) {
      for (const [status, response] of Object.entries(op.responses ?? {})) {
        if (/^[45]/.test(status) && !errorStatuses.has(status)) errorStatuses.set(status, response.description ?? "");
      }
    }
  }
  const schemas = Object.entries(doc.components?.schemas ?? {}).sort(([a], [b]) => a.localeCompare(b));
  return (
    <Layout title="API reference" viewer={null}>
      <h1>{`${doc.info.title} ${doc.info.version}`}</h1>
      {doc.info.description ? <p>{doc.info.description}</p> : null}
      <p>
        The OpenAPI document: <a href="/openapi.json">/openapi.json</a>. Authenticate with <code>Authorization: Bearer &lt;token&gt;</code>{" "}
        (make a token on your account page), or a web session cookie whose changes carry its CSRF token in{" "}
        <code>x-csrf-token</code>. Errors are <code>{`{ "error": { "code", "message", "details" } }`}</code>.
      </p>
      <section aria-labelledby="errors">
        <h2 id="errors">Errors</h2>
        <p>
          Every error answers <a href="#schema-error">Error</a>, with a stable <code>code</code>. By status:
        </p>
        <ul>
          {[...errorStatuses.entries()]
            .sort(([a], [b]) => a.localeCompare(b))
            .map(([status, description]) => (
              <li>
                <strong>{status}</strong> {description}
              </li>
            ))}
        </ul>
      </section>
      <nav aria-label="API sections">
        <ul>
          {tags.map((tag) => (
            <li>
              <a href={`#tag-${slug(tag)}`}>{tag}</a>
              {` (${byTag.get(tag)!.length})`}
            </li>
          ))}
          <li>
            <a href="#schemas">Schemas</a>
          </li>
        </ul>
      </nav>
      {tags.map((tag) => (
        <section aria-labelledby={`tag-${slug(tag)}`}>
          <h2 id={`tag-${slug(tag)}`}>{tag}</h2>
          {byTag.get(tag)!.map((entry) => (
            <OperationItem method={entry.method} path={entry.path} op={entry.op} />
          ))}
        </section>
      ))}
      <section aria-labelledby="schemas">
        <h2 id="schemas">Schemas</h2>
        {schemas.map(([name, schema]) => (
          <details id={`schema-${slug(name)}`}>
            <summary>
              <code>{name}</code>
            </summary>
            <SchemaBlock schema={schema} />
          </details>
        ))}
      </section>
    </Layout>
  );
}

/**
 * GET /docs, given how to obtain the app's OpenAPI document (read once per isolate: it changes only with a deploy).
 * Every operation and schema has an anchor (#op-<operationId>, #schema-<name>); the page is public and the same for
 * everyone, so it may be cached for a few minutes.
 */
export function apiReference(document: (c: Context) => Promise<OpenApiDocument>): Handler<WebBindings> {
  let cached: Promise<OpenApiDocument> | null = null;
  return async (c) => {
    cached ??= document(c).catch((error: unknown) => {
      cached = null;
      throw error;
    });
    if (c.get("viewer") === undefined) c.set("viewer", null);
    return sendPage(c as WebContext, <ApiReference doc={await cached} />, 200, "public, max-age=300");
  };
}

export type { OpenApiDocument };
