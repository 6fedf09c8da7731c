/**
 * Signing in and out in the browser.
 * - `/sign-in`: the passkey button (the passkey script runs the ceremony against /v1/sign-in/passkey*), with what to
 *   do without a passkey or without JavaScript.
 * - `/sign-in/link`: where a one-time sign-in link leads (`#token=...`: a fragment, never sent to the server or its
 *   logs). The script posts the token to /v1/sign-in/link; without script the page's form takes the token pasted by
 *   hand and POST /sign-in/link calls the same service (useSignInLink), then starts the web session.
 *   `/sign-in/link/{token}` (the path form) shows the same page with the token filled in.
 * - POST /sign-out: ends this browser's web session.
 */
import { Hono } from "hono";
import { ApiError } from "../../http/errors";
import { endWebSession, startWebSession } from "../../http/web-session";
import { clientAddressKey } from "../../lib/client-address";
import { SIGN_IN_LINK_PATH, useSignInLink } from "../../services/sign-in-links";
import { withFlash } from "../flash";
import { CsrfField, Layout, sendPage } from "../layout";
import { formFields } from "../params";
import { asAppContext, localPath, type Viewer, type WebBindings, type WebContext } from "../viewer";
import { SIGN_UP_PATH, signUpIsOpen } from "./sign-up";

function SignInPage(props: { next: string; signUpOpen: boolean }) {
  return (
    <Layout title="Sign in" viewer={null} scripts={["passkey"]}>
      <h1>Sign in</h1>
      <p>Use the passkey you added to your account: your phone, computer or security key will ask for it.</p>
      <p>
        <button type="button" id="passkey-sign-in" data-next={props.next} hidden>
          Sign in
        </button>
      </p>
      <p class="muted" data-needs-script="">
        Signing in with a passkey needs JavaScript and a browser that supports passkeys. Without them, use a sign-in link
        (below).
      </p>
      <p id="passkey-status" role="status"></p>
      <h2>No passkey on this device?</h2>
      <p>
        A passkey that syncs (iCloud Keychain, Google Password Manager, a password manager) works on your other devices too.
        Lost them all? Ask your league's commissioner for a one-time sign-in link, then open it, or{" "}
        <a href={SIGN_IN_LINK_PATH}>paste its token here</a>.
      </p>
      <h2>New here?</h2>
      <p>Open the invite link someone sent you: it makes your account and joins their league.</p>
      {props.signUpOpen ? (
        <p>
          No link? <a href={SIGN_UP_PATH}>Create an account</a>, then start a league of your own.
        </p>
      ) : null}
    </Layout>
  );
}

function SignInLinkPage(props: { viewer: Viewer | null; error: ApiError | null; token?: string }) {
  return (
    <Layout title="Sign in with a link" viewer={props.viewer} scripts={["passkey"]} error={props.error ? { message: props.error.message } : null}>
      <h1>Sign in with a link</h1>
      <div id="sign-in-link">
        <p id="sign-in-link-status" role="status"></p>
        <p>
          A sign-in link looks like <code>…/sign-in/link#token=…</code> and works once, for 24 hours. Opening it signs you in
          by itself. If it did not, paste the part after <code>token=</code> (or the whole link) here.
        </p>
        <form method="post" action={SIGN_IN_LINK_PATH}>
          {/* Signed in already (switching accounts): the session's form posts carry its CSRF token. */}
          <CsrfField viewer={props.viewer} />
          <div class="field">
            <label for="sign-in-token">Sign-in token</label>
            <input id="sign-in-token" name="token" required autocomplete="off" spellcheck={false} value={props.token ?? ""} />
          </div>
          <button type="submit">Sign in</button>
        </form>
      </div>
    </Layout>
  );
}

/** The token of a pasted link or token: what follows `token=`, else the text itself. */
function pastedToken(text: string | undefined): string {
  const value = (text ?? "").trim();
  const at = value.indexOf("token=");
  return (at >= 0 ? value.slice(at + "token=".length).split("&")[0]! : value).trim();
}

function linkRefused(c: WebContext, error: ApiError) {
  return sendPage(c, <SignInLinkPage viewer={c.get("viewer")} error={error} />, error.status as Parameters<typeof sendPage>[2]);
}

export const signInRoutes = new Hono<WebBindings>()
  .get("/sign-in", (c) => {
    const next = localPath(c.req.query("next"));
    if (c.get("viewer")) return c.redirect(next, 303);
    return sendPage(c, <SignInPage next={next} signUpOpen={signUpIsOpen(c)} />);
  })
  .get(SIGN_IN_LINK_PATH, (c) => sendPage(c, <SignInLinkPage viewer={c.get("viewer")} error={null} />))
  // The path form of a link (`npm start` prints one): the same page with the token filled in. A GET never uses the
  // link (a mail client's link preview would spend it); the button, or the page's script, does. The request log
  // redacts the token (src/http/request-context.ts).
  .get(`${SIGN_IN_LINK_PATH}/:token`, (c) => sendPage(c, <SignInLinkPage viewer={c.get("viewer")} error={null} token={c.req.param("token")} />))
  .post(SIGN_IN_LINK_PATH, async (c) => {
    // Before the link is used: a link spent on a session that cannot start would be lost.
    if (!c.env.SESSION_SECRET) throw new ApiError("server_misconfigured", "Signing in is not configured: the SESSION_SECRET secret is not set.");
    const token = pastedToken((await formFields(c)).token);
    if (!token) return linkRefused(c, new ApiError("validation_failed", "Paste the sign-in link or its token."));
    let result: Awaited<ReturnType<typeof useSignInLink>>;
    try {
      result = await useSignInLink(c.get("db"), { token, client: clientAddressKey(c.req.raw.headers) }, new Date());
    } catch (error) {
      if (error instanceof ApiError && error.status < 500) return linkRefused(c, error);
      throw error;
    }
    if (!result.ok) {
      c.header("Retry-After", String(result.retryAfterSeconds));
      return linkRefused(c, new ApiError("too_many_failed_attempts", result.reason));
    }
    await startWebSession(asAppContext(c), result.userId);
    return c.redirect(withFlash("/", "signed-in"), 303);
  })
  .post("/sign-out", async (c) => {
    if (c.get("viewer")) await endWebSession(asAppContext(c));
    return c.redirect(withFlash("/", "signed-out"), 303);
  });
