/**
 * `/sign-up`: where the operator opened sign-up (the SIGN_UP var is "open"), anyone makes an account here, then starts
 * leagues or joins them by their links. The form ("Display name", "Create account") calls the accounts service that
 * POST /v1/accounts calls (createAccount), starts a web session as joining does, and goes to /me, which offers a
 * passkey. The account's personal API token is not shown: the person makes their own on /me when they want one.
 *
 * Closed (invite-only, the default), both answer 403 with a page saying accounts are made by invitation: the status
 * POST /v1/accounts answers for the same rule (sign_up_closed), not 404, since the page exists and says why it refuses.
 */
import { Hono } from "hono";
import { ApiError } from "../../http/errors";
import { startWebSession } from "../../http/web-session";
import { createAccount, signUpMode } from "../../services/accounts";
import { DisplayNameField } from "../components";
import { withFlash } from "../flash";
import { Layout, sendPage } from "../layout";
import { displayNameOf, formFields } from "../params";
import { asAppContext, type Viewer, type WebBindings, type WebContext } from "../viewer";

export const SIGN_UP_PATH = "/sign-up";

/** Whether this deployment lets anyone make an account (the SIGN_UP var): the pages link to /sign-up only then. */
export function signUpIsOpen(c: WebContext): boolean {
  return signUpMode(c.env.SIGN_UP) === "open";
}

function SignUpClosedPage(props: { viewer: Viewer | null }) {
  return (
    <Layout title="Sign-up is by invitation" viewer={props.viewer}>
      <h1>Sign-up is by invitation</h1>
      <p id="problem" data-status="403">
        Accounts are made by invitation here: open the invite link someone sent you. It makes your account and joins their
        league.
      </p>
      <p>
        Have an account already? <a href="/sign-in">Sign in</a>
      </p>
    </Layout>
  );
}

function SignUpPage(props: { viewer: Viewer | null; error: ApiError | null; name: string }) {
  const { viewer } = props;
  return (
    <Layout title="Create your account" viewer={viewer} error={props.error ? { message: props.error.message } : null}>
      <h1>Create your account</h1>
      {viewer ? (
        <p>
          {`You are signed in as ${viewer.name}: you have an account already. `}
          <a href="/">Go to this week's games</a>
        </p>
      ) : (
        <>
          <p>Choose the name the other players see. Then start a league, or join one with the link someone sent you.</p>
          <form method="post" action={SIGN_UP_PATH}>
            <DisplayNameField value={props.name} />
            <button type="submit">Create account</button>
          </form>
          <p class="small muted">
            Creating an account signs this browser in for 30 days; you can then add a passkey to sign in again later. Have an
            account already? <a href="/sign-in">Sign in</a>.
          </p>
        </>
      )}
    </Layout>
  );
}

function renderSignUp(c: WebContext, extra: { error?: ApiError; name?: string } = {}) {
  const viewer = c.get("viewer");
  if (!signUpIsOpen(c)) return sendPage(c, <SignUpClosedPage viewer={viewer} />, 403);
  const page = <SignUpPage viewer={viewer} error={extra.error ?? null} name={extra.name ?? ""} />;
  return sendPage(c, page, (extra.error?.status ?? 200) as Parameters<typeof sendPage>[2]);
}

export const signUpRoutes = new Hono<WebBindings>()
  .get(SIGN_UP_PATH, (c) => renderSignUp(c))
  .post(SIGN_UP_PATH, async (c) => {
    const fields = await formFields(c);
    try {
      if (!signUpIsOpen(c)) return renderSignUp(c);
      if (c.get("viewer")) throw new ApiError("already_has_account", "You are signed in: you have an account already. Sign out first to make another.");
      // Before the account is made: an account whose session cannot start would be unreachable.
      if (!c.env.SESSION_SECRET) throw new ApiError("server_misconfigured", "Signing in is not configured: the SESSION_SECRET secret is not set.");
      const account = await createAccount(c.get("db"), { name: displayNameOf(fields.name), signUp: signUpMode(c.env.SIGN_UP) }, new Date());
      await startWebSession(asAppContext(c), account.user.id);
      return c.redirect(withFlash("/me#passkeys", "welcome"), 303);
    } catch (error) {
      if (error instanceof ApiError && error.status < 500) return renderSignUp(c, { error, name: fields.name ?? "" });
      throw error;
    }
  });
