import { SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { page, textOf } from "../helpers/web-pages";

/**
 * /docs is the API reference rendered by the Worker from its own OpenAPI document: nothing comes from a CDN (it works
 * offline), every operation is there under its tag with its method, path and summary, and every schema it names.
 */
describe("/docs", () => {
  it("lists every operation of /openapi.json under its tag, and every schema, loading nothing from elsewhere", async () => {
    const spec = (await (await SELF.fetch("http://localhost/openapi.json")).json()) as {
      paths: Record<string, Record<string, { operationId?: string; summary?: string; tags?: string[] }>>;
      components: { schemas: Record<string, unknown> };
    };
    const docs = await page("/docs");
    expect(docs.status).toBe(200);
    expect(docs.headers.get("content-type")).toMatch(/^text\/html/);
    expect(docs.headers.get("cache-control")).toBe("public, max-age=300");
    expect(docs.html).not.toMatch(/(src|href)="(https?:)?\/\//);
    expect(docs.html).not.toMatch(/<script\b(?![^>]*src="\/app\/)/);
    expect(docs.html).toContain('href="/openapi.json"');

    let operations = 0;
    for (const [path, item] of Object.entries(spec.paths)) {
      for (const [method, op] of Object.entries(item)) {
        if (!["get", "post", "put", "patch", "delete"].includes(method)) continue;
        operations++;
        const tag = op.tags?.[0] ?? "Other";
        const section = textOf(docs.html, `tag-${tag.toLowerCase().replace(/[^a-z0-9]+/g, "-")}`);
        expect(section, tag).toBe(tag);
        const entry = `<span class="method">${method.toUpperCase()}</span> <code>${path}</code>`;
        expect(docs.html, `${method} ${path}`).toContain(entry);
        if (op.operationId) expect(docs.html).toContain(`id="op-${op.operationId.toLowerCase().replace(/[^a-z0-9]+/g, "-")}"`);
      }
    }
    expect(operations).toBeGreaterThan(50);
    for (const name of Object.keys(spec.components.schemas)) {
      expect(docs.html, name).toContain(`id="schema-${name.toLowerCase().replace(/[^a-z0-9]+/g, "-")}"`);
    }
    // Request and response schemas are readable: a pick's fields, with their types and descriptions.
    expect(textOf(docs.html, "schema-pick")).toMatch(/americanOdds integer \| null required/);
    expect(textOf(docs.html, "errors")).toBe("Errors");
  });
});
