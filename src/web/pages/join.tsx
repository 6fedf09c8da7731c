/**
 * `/join/{code}`: where an invite link leads. It shows the league (name, commissioner, member count), or a page saying
 * the link is unknown (404) or no longer works (410, with why). The form (a display name and "Join"; signed in, the
 * button alone) accepts the invite through the invites service (acceptInvite: the account, the membership and the
 * counted use in one batch), then starts a web session for a new account and goes to the league with an offer to
 * add a passkey.
 */
import { Hono } from "hono";
import { ApiError } from "../../http/errors";
import { startWebSession } from "../../http/web-session";
import { acceptInvite, describeInvite, type InviteDescription } from "../../services/invites";
import { listMyLeagues } from "../../services/leagues";
import { DisplayNameField, Time } from "../components";
import { withFlash } from "../flash";
import { CsrfField, Layout, sendPage } from "../layout";
import { displayNameOf, formFields } from "../params";
import { asAppContext, type Viewer, type WebBindings, type WebContext } from "../viewer";

const GONE_TITLES: Record<string, string> = {
  expired: "This invite link has expired",
  used_up: "This invite link has been used up",
  revoked: "This invite link was revoked",
};

function JoinGonePage(props: { viewer: Viewer | null; error: ApiError }) {
  const reason = (props.error.details as { reason?: string } | undefined)?.reason;
  const title = props.error.status === 410 ? (GONE_TITLES[reason ?? ""] ?? "This invite link no longer works") : "This invite link is unknown";
  return (
    <Layout title={title} viewer={props.viewer}>
      <h1>{title}</h1>
      <p id="problem" data-status={String(props.error.status)}>
        {props.error.message}
      </p>
      <p>Ask the person who sent it for a new link.</p>
      <p>
        <a href="/">Go to the home page</a>
      </p>
    </Layout>
  );
}

function JoinPage(props: { viewer: Viewer | null; code: string; invite: InviteDescription; isMember: boolean; error: ApiError | null; name: string }) {
  const { invite, viewer, code } = props;
  const league = invite.league;
  const title = league ? `Join ${league.name}` : "Create your account";
  const action = `/join/${encodeURIComponent(code)}`;
  return (
    <Layout title={title} viewer={viewer} error={props.error ? { message: props.error.message } : null}>
      <h1>{title}</h1>
      {league ? (
        <dl class="facts">
          <dt>Commissioner</dt>
          <dd>{league.commissioner.name}</dd>
          <dt>Members</dt>
          <dd>{league.memberCount}</dd>
          {invite.expiresAt ? (
            <>
              <dt>Link expires</dt>
              <dd>
                <Time at={invite.expiresAt} />
              </dd>
            </>
          ) : null}
        </dl>
      ) : (
        <p>This link lets you make an account. Then start a league, or join one with its own link.</p>
      )}
      {viewer ? (
        !league ? (
          <p>
            {`You are signed in as ${viewer.name}: you have an account already. `}
            <a href="/">Go to this week's games</a>
          </p>
        ) : props.isMember ? (
          <p>
            {`You are a member of ${league.name} already. `}
            <a href={`/leagues/${league.id}`}>Open the league</a>
          </p>
        ) : (
          <form method="post" action={action}>
            <CsrfField viewer={viewer} />
            <p>{`You join as ${viewer.name}.`}</p>
            <button type="submit">Join</button>
          </form>
        )
      ) : (
        <>
          <form method="post" action={action}>
            <DisplayNameField value={props.name} />
            <button type="submit">Join</button>
          </form>
          <p class="small muted">
            Joining signs this browser in for 30 days; you can then add a passkey to sign in again later. Have an account
            already? <a href={`/sign-in?next=${encodeURIComponent(action)}`}>Sign in first</a>.
          </p>
        </>
      )}
    </Layout>
  );
}

async function renderJoin(c: WebContext, code: string, extra: { error?: ApiError; name?: string } = {}) {
  const viewer = c.get("viewer");
  const db = c.get("db");
  let invite: InviteDescription;
  try {
    invite = await describeInvite(db, code, new Date());
  } catch (error) {
    if (error instanceof ApiError && (error.status === 404 || error.status === 410)) {
      return sendPage(c, <JoinGonePage viewer={viewer} error={error} />, error.status);
    }
    throw error;
  }
  const league = invite.league;
  const isMember = viewer !== null && league !== null && (await listMyLeagues(db, viewer.userId)).some((l) => l.id === league.id);
  const page = <JoinPage viewer={viewer} code={code} invite={invite} isMember={isMember} error={extra.error ?? null} name={extra.name ?? ""} />;
  return sendPage(c, page, (extra.error?.status ?? 200) as Parameters<typeof sendPage>[2]);
}

export const joinRoutes = new Hono<WebBindings>()
  .get("/join/:code", (c) => renderJoin(c, c.req.param("code")))
  .post("/join/:code", async (c) => {
    const viewer = c.get("viewer");
    const code = c.req.param("code");
    const db = c.get("db");
    const fields = await formFields(c);
    try {
      if (viewer) {
        const joined = await acceptInvite(db, { code, userId: viewer.userId }, new Date());
        return c.redirect(withFlash(joined.league ? `/leagues/${joined.league.id}` : "/", "joined"), 303);
      }
      // Before the invite is used: an account whose session cannot start would be unreachable.
      if (!c.env.SESSION_SECRET) throw new ApiError("server_misconfigured", "Signing in is not configured: the SESSION_SECRET secret is not set.");
      const joined = await acceptInvite(db, { code, userId: null, name: displayNameOf(fields.name) }, new Date());
      await startWebSession(asAppContext(c), joined.user.id);
      return c.redirect(joined.league ? withFlash(`/leagues/${joined.league.id}`, "welcome-league") : withFlash("/me#passkeys", "welcome"), 303);
    } catch (error) {
      if (error instanceof ApiError && error.status < 500) return renderJoin(c, code, { error, name: fields.name ?? "" });
      throw error;
    }
  });
