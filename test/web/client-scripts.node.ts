/**
 * The web app's hand-written scripts (TypeScript string constants served at /app/*.js) are plain ES2017 a browser
 * runs as they are: they parse, and they reach nothing but this Worker and the page.
 */
import { Script } from "node:vm";
import { describe, expect, it } from "vitest";
import { APP_SCRIPT } from "../../src/web/assets/app-script";
import { PASSKEY_SCRIPT } from "../../src/web/assets/passkey-script";

const SCRIPTS = { app: APP_SCRIPT, passkey: PASSKEY_SCRIPT };

describe("client scripts", () => {
  for (const [name, source] of Object.entries(SCRIPTS)) {
    it(`${name}: parses, stays small, and talks only to this origin`, () => {
      expect(() => new Script(source, { filename: `${name}.js` })).not.toThrow();
      expect(new TextEncoder().encode(source).byteLength).toBeLessThan(12 * 1024);
      expect(source).not.toMatch(/https?:\/\//);
      expect(source).not.toMatch(/\beval\(|new Function\(|document\.write/);
      for (const call of source.match(/fetch\([^,)]+/g) ?? []) expect(call).toMatch(/fetch\((location\.href|path)$/);
    });
  }

  it("the passkey script posts only to the API's passkey and sign-in routes", () => {
    const paths = [...PASSKEY_SCRIPT.matchAll(/post\("([^"]+)"/g)].map((m) => m[1]).sort();
    expect(paths).toEqual(["/v1/me/passkeys", "/v1/me/passkeys/options", "/v1/sign-in/link", "/v1/sign-in/passkey", "/v1/sign-in/passkey/options"]);
    // The native JSON helpers first, the base64url fallback for browsers without them.
    for (const native of ["parseCreationOptionsFromJSON", "parseRequestOptionsFromJSON", "toJSON"]) expect(PASSKEY_SCRIPT).toContain(native);
  });
});
