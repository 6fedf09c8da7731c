import { describe, expect, it } from "vitest";
import { countRows, createUserWithToken } from "../helpers/api";
import { uniqueName } from "../helpers/invites";
import { page, plainText, post, textOf } from "../helpers/web-pages";
import { sessionCookieOf, signInAs } from "../helpers/web-session";

/**
 * `/sign-up`: with open sign-up (SIGN_UP "open") anyone makes an account with a display name, is signed in as joining
 * signs in, and lands where a passkey is offered; invite-only (wrangler.toml's default), the page and its form answer
 * 403 and say that accounts are made by invitation. The form is held to the cross-site rule of every web form.
 */

const OPEN = { SIGN_UP: "open" };

function usersNamed(name: string) {
  return countRows("SELECT count(*) AS n FROM users WHERE name = ?", name);
}

describe("open sign-up", () => {
  it("'Display name' and 'Create account' make the account, sign the browser in and lead to /me, which offers a passkey", async () => {
    const form = await page("/sign-up", { vars: OPEN });
    expect(form.status).toBe(200);
    expect(textOf(form.html, "main")).toContain("Create your account");
    expect(form.html).toContain('<form method="post" action="/sign-up">');
    expect(form.html).toContain('<label for="display-name">Display name</label>');
    expect(form.html).toContain('<button type="submit">Create account</button>');

    const name = uniqueName("Sky");
    const made = await post("/sign-up", null, { name: `  ${name} ` }, { vars: OPEN });
    expect(made.status).toBe(303);
    expect(made.location).toBe("/me?flash=welcome#passkeys");
    const cookie = sessionCookieOf({ status: made.status, headers: made.headers, json: null });
    expect(cookie).not.toBeNull();
    expect(await usersNamed(name)).toBe(1);
    // Made by the accounts service as POST /v1/accounts makes it: the personal token included (not shown here).
    expect(await countRows("SELECT count(*) AS n FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE u.name = ? AND t.created_by = 'sign_up'", name)).toBe(1);
    expect(await countRows("SELECT count(*) AS n FROM sessions s JOIN users u ON u.id = s.user_id WHERE u.name = ? AND s.purpose = 'web'", name)).toBe(1);

    const me = await page(made.location!, { headers: { cookie: cookie! } });
    expect(me.status).toBe(200);
    expect(textOf(me.html, "main")).toContain("Your account is ready.");
    expect(me.html).toContain(`${name}`);
    expect(me.html).toContain('<button type="button" id="passkey-add" hidden="">Add a passkey</button>');
  });

  it("/sign-in and the signed-out home link to it; signed in, the page says an account exists (and the form needs the CSRF field)", async () => {
    for (const path of ["/sign-in", "/"]) {
      const open = await page(path, { vars: OPEN });
      expect(open.html, path).toContain('<a href="/sign-up">Create an account</a>');
    }
    const session = await signInAs((await createUserWithToken()).id);
    const signedIn = await page("/sign-up", { session, vars: OPEN });
    expect(signedIn.status).toBe(200);
    expect(textOf(signedIn.html, "main")).toContain("you have an account already");
    expect(signedIn.html).not.toContain("Create account</button>");
    // Sent with the session's cookie, the form needs the session's CSRF field, as every web form does.
    const noCsrf = await post("/sign-up", session, { name: uniqueName("Twice") }, { vars: OPEN, csrf: false });
    expect(noCsrf.status).toBe(403);
    expect(textOf(noCsrf.html, "problem")).toMatch(/needs its CSRF token/);
    const again = await post("/sign-up", session, { name: uniqueName("Twice") }, { vars: OPEN });
    expect(again.status).toBe(409);
    expect(textOf(again.html, "form-error")).toBe("You are signed in: you have an account already. Sign out first to make another.");
  });

  it("a bad display name: 400, the form again naming the field, nothing made; a taken one: 409 with what was typed", async () => {
    for (const name of ["", "   ", "x".repeat(61), "zero\u200bwidth"]) {
      const refused = await post("/sign-up", null, { name }, { vars: OPEN });
      expect(refused.status, JSON.stringify(name)).toBe(400);
      expect(textOf(refused.html, "form-error")).toBe("Choose a display name of 1 to 60 characters (letters, digits, spaces and punctuation).");
      expect(refused.html).toContain('<label for="display-name">Display name</label>');
      expect(refused.headers.get("set-cookie")).toBeNull();
    }
    expect(await usersNamed("zero\u200bwidth")).toBe(0);

    const taken = await createUserWithToken(uniqueName("Taken"));
    const refused = await post("/sign-up", null, { name: taken.name }, { vars: OPEN });
    expect(refused.status).toBe(409);
    expect(textOf(refused.html, "form-error")).toBe(`The name '${taken.name}' is taken: choose another.`);
    expect(refused.html).toContain(`value="${taken.name}"`);
    expect(refused.headers.get("set-cookie")).toBeNull();
  });

  it("a form posted from another site is refused (Sec-Fetch-Site, else Origin) and makes no account", async () => {
    const name = uniqueName("Lured");
    const foreign: Record<string, string>[] = [{ "sec-fetch-site": "cross-site" }, { "sec-fetch-site": "same-site" }, { origin: "https://evil.example" }, { origin: "null" }];
    for (const headers of foreign) {
      const refused = await post("/sign-up", null, { name }, { vars: OPEN, headers });
      expect(refused.status, JSON.stringify(headers)).toBe(403);
      expect(textOf(refused.html, "problem")).toBe("This form was sent from another site: open the page here and send it again.");
      expect(refused.headers.get("set-cookie")).toBeNull();
    }
    expect(await usersNamed(name)).toBe(0);
    // A browser's own post: same-origin, or this origin.
    expect((await post("/sign-up", null, { name }, { vars: OPEN, headers: { "sec-fetch-site": "same-origin" } })).status).toBe(303);
    expect((await post("/sign-up", null, { name: uniqueName("Here") }, { vars: OPEN, headers: { origin: "http://localhost" } })).status).toBe(303);
  });
});

describe("invite-only sign-up (the default)", () => {
  it("GET and POST /sign-up answer 403 with a page saying accounts are made by invitation; nothing is made, nothing links there", async () => {
    for (const vars of [undefined, { SIGN_UP: "invite-only" }]) {
      const closed = await page("/sign-up", { vars });
      expect(closed.status).toBe(403);
      expect(textOf(closed.html, "main")).toContain("Sign-up is by invitation");
      expect(textOf(closed.html, "problem")).toContain("Accounts are made by invitation here: open the invite link someone sent you.");
      expect(closed.html).not.toContain("<form method=\"post\" action=\"/sign-up\">");
    }
    const name = uniqueName("Closed");
    const refused = await post("/sign-up", null, { name });
    expect(refused.status).toBe(403);
    expect(plainText(refused.html)).toContain("Sign-up is by invitation");
    expect(refused.headers.get("set-cookie")).toBeNull();
    expect(await usersNamed(name)).toBe(0);
    for (const path of ["/sign-in", "/"]) expect((await page(path)).html, path).not.toContain('href="/sign-up"');
  });
});
