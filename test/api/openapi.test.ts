import { Validator } from "@seriousme/openapi-schema-validator";
import schema31 from "@seriousme/openapi-schema-validator/schemas/v3.1/schema.json";
import Ajv2020 from "ajv/dist/2020.js";
import addFormatsModule from "ajv-formats";
import { describe, expect, it } from "vitest";
import { app } from "../../src/app";
import { ERROR_STATUS } from "../../src/http/errors";
import { api } from "../helpers/api";

/**
 * @seriousme/openapi-schema-validator reads its JSON schemas with fs.readFileSync next to its own module, and
 * workerd's node:fs has no access to the host files ("no such file or directory, readAll .../schemas/v3.1/schema.json").
 * Its checks are used unchanged all the same: the same schema file is bundled by Vite through an import, compiled
 * exactly as Validator.getAjvValidator compiles it (Ajv 2020-12, strict off, ajv-formats, "media-range"), and
 * handed to the Validator, whose validate() then runs the schema check and its $ref check.
 */
function openApiValidator(): Validator {
  const ajv = new Ajv2020({ strict: false });
  const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (a: unknown) => void;
  addFormats(ajv);
  ajv.addFormat("media-range", true);
  const validator = new Validator();
  (validator as unknown as { ajvValidators: Record<string, unknown> }).ajvValidators["3.1"] = ajv.compile(schema31 as object);
  return validator;
}

async function document() {
  const response = await api("/openapi.json", { token: null });
  expect(response.status).toBe(200);
  expect(response.headers.get("content-type")).toMatch(/^application\/json/);
  return response.json;
}

describe("/openapi.json", () => {
  it("is served without a token and validates as OpenAPI 3.1", async () => {
    const spec = await document();
    expect(spec.openapi).toMatch(/^3\.1\./);
    const result = await openApiValidator().validate(spec);
    expect(result).toEqual({ valid: true });
  });

  it("the validator really validates: broken documents fail", async () => {
    const spec = await document();
    const validator = openApiValidator();
    const noInfo = structuredClone(spec);
    delete noInfo.info;
    expect((await validator.validate(noInfo)).valid).toBe(false);
    const badResponses = structuredClone(spec);
    badResponses.paths["/v1/picks"].post.responses = "nope";
    expect((await validator.validate(badResponses)).valid).toBe(false);
    const danglingRef = structuredClone(spec);
    danglingRef.paths["/v1/picks"].post.responses["201"].content["application/json"].schema = { $ref: "#/components/schemas/Nothing" };
    expect((await validator.validate(danglingRef)).valid).toBe(false);
  });

  it("lists every route the app serves under /v1, and nothing else", async () => {
    const spec = await document();
    const documented = Object.entries(spec.paths as Record<string, Record<string, unknown>>)
      .flatMap(([path, item]) => Object.keys(item).map((method) => `${method.toUpperCase()} ${path}`))
      .sort();
    const served = [
      ...new Set(
        app.routes
          .filter((r) => r.method !== "ALL" && r.path.startsWith("/v1/"))
          .map((r) => `${r.method} ${r.path.replace(/:(\w+)/g, "{$1}")}`),
      ),
    ].sort();
    expect(served.length).toBeGreaterThanOrEqual(21);
    expect(documented).toEqual(served);
  });

  it("names every operation: a unique camelCase operationId (what generated clients call their methods)", async () => {
    const spec = await document();
    const operations = Object.entries(spec.paths as Record<string, Record<string, { operationId?: string }>>).flatMap(([path, item]) =>
      Object.entries(item).map(([method, op]) => ({ op: `${method.toUpperCase()} ${path}`, id: op.operationId })),
    );
    expect(operations.filter((o) => !/^[a-z][a-zA-Z0-9]*$/.test(o.id ?? "")).map((o) => o.op)).toEqual([]);
    const ids = operations.map((o) => o.id);
    expect(ids.filter((id, i) => ids.indexOf(id) !== i)).toEqual([]);
  });

  it("says where it is served and under which license (servers, info.license)", async () => {
    const spec = await document();
    expect(spec.servers).toEqual([{ url: "/", description: expect.any(String) }]);
    expect(spec.info.license).toEqual({ name: expect.stringMatching(/proprietary/i), identifier: expect.stringMatching(/^LicenseRef-/) });
  });

  it("documents null where it belongs: at the use site, never on a named schema, never as an allOf that refuses it", async () => {
    const spec = await document();
    const nullableComponents = Object.entries(spec.components.schemas as Record<string, { type?: unknown }>)
      .filter(([, schema]) => [schema.type].flat().includes("null"))
      .map(([name]) => name);
    // A named schema made nullable by its first nullable use would let null into every other use.
    expect(nullableComponents).toEqual([]);
    // zod-to-openapi's `Named.nullable().openapi({...})`: { allOf: [{ $ref }, { type: [..., "null"] }] }, which no null
    // passes (the $ref requires an object); src/http/schemas.ts nullable() writes anyOf [$ref, null] instead.
    const refusingNull: string[] = [];
    const walk = (node: unknown, at: string) => {
      if (!node || typeof node !== "object") return;
      const allOf = (node as { allOf?: { $ref?: string; type?: unknown }[] }).allOf;
      if (allOf?.some((m) => m.$ref) && allOf.some((m) => [m.type].flat().includes("null"))) refusingNull.push(at);
      for (const [key, child] of Object.entries(node)) walk(child, `${at}/${key}`);
    };
    walk(spec, "#");
    expect(refusingNull).toEqual([]);
  });

  it("declares the bearer scheme and the error envelope with every error code", async () => {
    const spec = await document();
    expect(spec.components.securitySchemes.bearerAuth).toEqual({ type: "http", scheme: "bearer" });
    const errorSchema = spec.components.schemas.Error;
    expect(errorSchema.required).toEqual(["error"]);
    expect([...errorSchema.properties.error.properties.code.enum].sort()).toEqual(Object.keys(ERROR_STATUS).sort());
    expect(errorSchema.properties.error.required).toEqual(["code", "message"]);
  });
});

describe("/docs", () => {
  it("returns an HTML page that loads /openapi.json", async () => {
    const response = await api("/docs", { token: null });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/html/);
    expect(typeof response.json).toBe("string");
    expect(response.json).toMatch(/<html/i);
    expect(response.json).toContain("/openapi.json");
  });
});
