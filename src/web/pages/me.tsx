/**
 * `/me`: the viewer's picks of a season by week with their results, their leagues, API tokens (make one: shown once
 * in the answer; revoke), signed-in browsers (end one), passkeys (add: the passkey script; delete), and whether they
 * appear on the global leaderboard. Each form posts to a route below that calls the service the /v1/me routes call.
 */
import { Hono } from "hono";
import { callerLabel } from "../../http/auth";
import { ApiError } from "../../http/errors";
import { clearSessionCookie } from "../../http/session-cookie";
import { WEB_SESSION_COOKIE } from "../../http/web-session";
import { currentSeason } from "../../jobs/season";
import { NewTokenBodySchema } from "../../routes/me";
import { getProfile, updateProfile, type ProfileView } from "../../services/accounts";
import { currentWeek } from "../../services/games";
import { listMyLeagues, type MyLeagueView } from "../../services/leagues";
import { deletePasskey, listPasskeys, type PasskeyView } from "../../services/passkeys";
import { listUserPicks, type PickView } from "../../services/picks";
import { listUserSessions, revokeUserSession, type OwnSessionView } from "../../services/sessions";
import { bumpStandingsVersion } from "../../services/standings-version";
import { issueToken, listTokens, revokeToken, type TokenView } from "../../services/users";
import { frozenPrice, Outcome, Time, units } from "../components";
import { flashMessage, withFlash, type FlashCode } from "../flash";
import { CsrfField, Layout, sendPage } from "../layout";
import { formFields, optionalSeason, pathId } from "../params";
import { signedOutError } from "../problem";
import { getNotificationSettings, type NotificationSettings } from "../../notifications/store";
import { NotificationsSection } from "./notifications";
import { asAppContext, signInRedirect, type Viewer, type WebBindings, type WebContext } from "../viewer";

/** The "Add a passkey" control (the passkey script shows the button; without script a note says why it cannot). */
export function PasskeyAdd() {
  return (
    <div>
      <div class="field">
        <label for="passkey-name">Passkey name (optional)</label>
        <input id="passkey-name" maxlength={60} autocomplete="off" />
      </div>
      <button type="button" id="passkey-add" hidden>
        Add a passkey
      </button>
      <p class="muted" data-needs-script="">
        Adding a passkey needs JavaScript and a browser that supports passkeys.
      </p>
      <p id="passkey-add-status" role="status"></p>
    </div>
  );
}

/** Right after joining: a passkey keeps the account reachable once this browser's session ends. */
export function PasskeyOffer() {
  return (
    <section class="card" id="passkey-offer" aria-labelledby="passkey-offer-heading">
      <h2 id="passkey-offer-heading">Add a passkey</h2>
      <p>
        This browser stays signed in for 30 days. Add a passkey to sign in again later, on this device or any device it
        syncs to. You can also do it from <a href="/me#passkeys">My account</a>.
      </p>
      <PasskeyAdd />
    </section>
  );
}

interface MeData {
  profile: ProfileView;
  season: number;
  picks: PickView[];
  leagues: MyLeagueView[];
  tokens: TokenView[];
  sessions: OwnSessionView[];
  passkeys: PasskeyView[];
  notifications: NotificationSettings;
}

async function loadMe(c: WebContext, viewer: Viewer, now: Date): Promise<MeData> {
  const db = c.get("db");
  const season = optionalSeason(c.req.query("season")) ?? (await currentWeek(db, now))?.season ?? currentSeason(now);
  const [profile, picks, leagues, tokens, sessions, passkeys, notifications] = await Promise.all([
    getProfile(db, viewer.userId),
    listUserPicks(db, viewer.userId, { season }),
    listMyLeagues(db, viewer.userId),
    listTokens(db, viewer.userId),
    listUserSessions(db, viewer.userId, now),
    listPasskeys(db, viewer.userId),
    getNotificationSettings(db, c.env, viewer.userId),
  ]);
  return { profile, season, picks, leagues, tokens, sessions, passkeys, notifications };
}

function PicksByWeek(props: { picks: PickView[]; season: number }) {
  const weeks = [...new Set(props.picks.map((p) => p.week))].sort((a, b) => b - a);
  return (
    <section aria-labelledby="my-picks">
      <h2 id="my-picks">{`My picks, ${props.season}`}</h2>
      <nav aria-label="Seasons" class="actions small">
        <a href={`/me?season=${props.season - 1}#my-picks`}>{`Season ${props.season - 1}`}</a>
        <a href={`/me?season=${props.season + 1}#my-picks`}>{`Season ${props.season + 1}`}</a>
      </nav>
      {weeks.length === 0 ? <p>No picks this season yet.</p> : null}
      {weeks.map((week) => {
        const picks = props.picks.filter((p) => p.week === week);
        const total = picks.reduce((sum, p) => sum + (p.units ?? 0), 0);
        return (
          <table>
            <caption>{`Week ${week}: ${picks.filter((p) => p.outcome === "win").length} won, ${units(total)} units`}</caption>
            <thead>
              <tr>
                <th scope="col">Game</th>
                <th scope="col">Pick</th>
                <th scope="col">Result</th>
              </tr>
            </thead>
            <tbody>
              {picks.map((pick) => (
                <tr>
                  <td>
                    <a href={`/games/${encodeURIComponent(pick.gameId)}`}>{pick.gameId.split("_").slice(2).join(" at ")}</a>
                  </td>
                  <td>
                    {pick.playerName}
                    <span class="meta small muted">{` ${frozenPrice(pick)}`}</span>
                  </td>
                  <td>
                    <Outcome outcome={pick.outcome} />
                    {pick.units !== null ? ` ${units(pick.units)}` : ""}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        );
      })}
    </section>
  );
}

function Tokens(props: { tokens: TokenView[]; viewer: Viewer; newToken: (TokenView & { token: string }) | null }) {
  return (
    <section aria-labelledby="tokens">
      <h2 id="tokens">API tokens</h2>
      <p class="small muted">For scripts and other apps: send one as "Authorization: Bearer ...". See the <a href="/docs">API</a>.</p>
      {props.newToken ? (
        <div class="card" id="new-token">
          <p>
            <strong>{`Your new token "${props.newToken.name}":`}</strong> copy it now, it is shown only once.
          </p>
          <code class="secret">{props.newToken.token}</code>
        </div>
      ) : null}
      <ul class="list">
        {props.tokens.map((token) => (
          <li class="card">
            <strong>{token.name}</strong> <code>{`${token.prefix}…`}</code>
            <span class="small muted">
              {" · made "}
              <Time at={token.createdAt} />
              {token.lastUsedAt ? (
                <>
                  {" · last used "}
                  <Time at={token.lastUsedAt} />
                </>
              ) : null}
              {token.expiresAt ? (
                <>
                  {" · expires "}
                  <Time at={token.expiresAt} />
                </>
              ) : null}
            </span>
            {token.revokedAt ? (
              <p class="small muted">Revoked</p>
            ) : (
              <form method="post" action={`/me/tokens/${token.id}/revoke`}>
                <CsrfField viewer={props.viewer} />
                <button type="submit" class="danger">
                  Revoke<span class="sr">{` token ${token.name}`}</span>
                </button>
              </form>
            )}
          </li>
        ))}
      </ul>
      <form method="post" action="/me/tokens" class="row">
        <CsrfField viewer={props.viewer} />
        <div class="field">
          <label for="token-name">Token name</label>
          <input id="token-name" name="name" required maxlength={60} autocomplete="off" />
        </div>
        <div class="field">
          <label for="token-days">Expires after (days, optional)</label>
          <input id="token-days" name="expiresInDays" type="number" min={1} max={3650} inputmode="numeric" />
        </div>
        <button type="submit">Make token</button>
      </form>
    </section>
  );
}

function Sessions(props: { sessions: OwnSessionView[]; viewer: Viewer }) {
  return (
    <section aria-labelledby="sessions">
      <h2 id="sessions">Signed-in browsers</h2>
      <ul class="list">
        {props.sessions.map((session) => {
          const current = session.id === props.viewer.sessionId;
          return (
            <li class="card">
              <strong>{current ? "This browser" : session.purpose === "status" ? "Status page" : "Browser"}</strong>
              <span class="small muted"> {session.userAgent ?? "unknown browser"}</span>
              <p class="small muted">
                {"Signed in "}
                <Time at={session.createdAt} />
                {" · ends "}
                <Time at={session.expiresAt} />
              </p>
              <form method="post" action={`/me/sessions/${session.id}/end`}>
                <CsrfField viewer={props.viewer} />
                <button type="submit" class="secondary">
                  {current ? "Sign out here" : "End session"}
                  {current ? null : <span class="sr">{` ${session.id}`}</span>}
                </button>
              </form>
            </li>
          );
        })}
      </ul>
    </section>
  );
}

function Passkeys(props: { passkeys: PasskeyView[]; viewer: Viewer }) {
  return (
    <section aria-labelledby="passkeys">
      <h2 id="passkeys">Passkeys</h2>
      {props.passkeys.length === 0 ? <p>You have no passkey yet: add one to sign in again after this session ends.</p> : null}
      <ul class="list">
        {props.passkeys.map((passkey) => (
          <li class="card">
            <strong>{passkey.name}</strong>
            <span class="small muted">
              {passkey.backedUp ? " · synced" : " · on one device"}
              {" · added "}
              <Time at={passkey.createdAt} />
              {passkey.lastUsedAt ? (
                <>
                  {" · last used "}
                  <Time at={passkey.lastUsedAt} />
                </>
              ) : null}
            </span>
            <form method="post" action={`/me/passkeys/${encodeURIComponent(passkey.id)}/delete`}>
              <CsrfField viewer={props.viewer} />
              <button type="submit" class="danger">
                Delete<span class="sr">{` passkey ${passkey.name}`}</span>
              </button>
            </form>
          </li>
        ))}
      </ul>
      <PasskeyAdd />
    </section>
  );
}

function MePage(props: { data: MeData; viewer: Viewer; flash: string | null; error: ApiError | null; newToken: (TokenView & { token: string }) | null }) {
  const { data, viewer } = props;
  return (
    <Layout
      title="My account"
      viewer={viewer}
      flash={props.flash}
      error={props.error ? { message: props.error.message } : null}
      scripts={["passkey", "push"]}
    >
      <h1>{viewer.name}</h1>
      {viewer.isAdmin ? (
        <p>
          You are an admin: <a href="/status">the status page</a>.
        </p>
      ) : null}
      <section aria-labelledby="leagues">
        <h2 id="leagues">My leagues</h2>
        {data.leagues.length === 0 ? <p>You are in no league yet.</p> : null}
        <ul>
          {data.leagues.map((league) => (
            <li>
              <a href={`/leagues/${league.id}`}>{league.name}</a>
              {league.isCommissioner ? <span class="muted"> · you are its commissioner</span> : null}
            </li>
          ))}
        </ul>
      </section>
      <PicksByWeek picks={data.picks} season={data.season} />
      <section aria-labelledby="global-board">
        <h2 id="global-board">Global leaderboard</h2>
        <form method="post" action="/me/profile">
          <CsrfField viewer={viewer} />
          <div class="check">
            <input id="on-global-board" type="checkbox" name="onGlobalBoard" value="on" checked={data.profile.onGlobalBoard} />
            <label for="on-global-board">Show me on the global leaderboard</label>
          </div>
          <button type="submit">Save</button>
        </form>
      </section>
      <NotificationsSection settings={data.notifications} viewer={viewer} />
      <Passkeys passkeys={data.passkeys} viewer={viewer} />
      <Sessions sessions={data.sessions} viewer={viewer} />
      <Tokens tokens={data.tokens} viewer={viewer} newToken={props.newToken} />
    </Layout>
  );
}

async function renderMe(c: WebContext, viewer: Viewer, extra: { error?: ApiError; newToken?: TokenView & { token: string } } = {}) {
  const data = await loadMe(c, viewer, new Date());
  const page = <MePage data={data} viewer={viewer} flash={flashMessage(c.req.query("flash"))} error={extra.error ?? null} newToken={extra.newToken ?? null} />;
  const status = extra.error?.status ?? (extra.newToken ? 201 : 200);
  return sendPage(c, page, status as Parameters<typeof sendPage>[2]);
}

async function meAction(c: WebContext, run: (viewer: Viewer, fields: Record<string, string>) => Promise<FlashCode | Response>) {
  const viewer = c.get("viewer");
  if (!viewer) throw signedOutError();
  const fields = await formFields(c);
  let outcome: FlashCode | Response;
  try {
    outcome = await run(viewer, fields);
  } catch (error) {
    if (error instanceof ApiError && error.status < 500) return renderMe(c, viewer, { error });
    throw error;
  }
  return typeof outcome === "string" ? c.redirect(withFlash("/me", outcome), 303) : outcome;
}

export const meRoutes = new Hono<WebBindings>()
  .get("/me", async (c) => {
    const viewer = c.get("viewer");
    if (!viewer) return signInRedirect(c);
    return renderMe(c, viewer);
  })
  .post("/me/tokens", (c) =>
    meAction(c, async (viewer, fields) => {
      const days = fields.expiresInDays?.trim();
      const body = NewTokenBodySchema.safeParse({ name: fields.name, expiresInDays: days ? Number(days) : undefined });
      if (!body.success) {
        throw new ApiError("validation_failed", "Name the token (1 to 60 characters); it may expire after 1 to 3650 days.", body.error.issues.map((i) => ({ field: `body.${i.path.join(".")}`, problem: i.message })));
      }
      const token = await issueToken(c.get("db"), { userId: viewer.userId, ...body.data, createdBy: callerLabel(c.get("caller")) }, new Date());
      // Shown once, in this answer: a redirect would have to carry the token.
      return renderMe(c, viewer, { newToken: token });
    }),
  )
  .post("/me/tokens/:id/revoke", (c) =>
    meAction(c, async (viewer) => {
      const tokenId = pathId(c.req.param("id"), new ApiError("token_not_found", "No such token of yours."));
      await revokeToken(c.get("db"), { userId: viewer.userId, tokenId, revokedBy: callerLabel(c.get("caller")) }, new Date());
      return "token-revoked";
    }),
  )
  .post("/me/sessions/:id/end", (c) =>
    meAction(c, async (viewer) => {
      const sessionId = pathId(c.req.param("id"), new ApiError("session_not_found", "No such session."));
      if (!(await revokeUserSession(c.get("db"), viewer.userId, sessionId, new Date()))) {
        throw new ApiError("session_not_found", "You have no such session that still works.");
      }
      if (sessionId !== viewer.sessionId) return "session-ended";
      clearSessionCookie(asAppContext(c), WEB_SESSION_COOKIE);
      return c.redirect(withFlash("/", "signed-out"), 303);
    }),
  )
  .post("/me/passkeys/:id/delete", (c) =>
    meAction(c, async (viewer) => {
      await deletePasskey(c.get("db"), viewer.userId, c.req.param("id") ?? "");
      return "passkey-deleted";
    }),
  )
  .post("/me/profile", (c) =>
    meAction(c, async (viewer, fields) => {
      await updateProfile(c.get("db"), viewer.userId, { onGlobalBoard: fields.onGlobalBoard === "on" });
      // Joining or leaving the public board changes its cached pages, as through PATCH /v1/me/profile.
      await bumpStandingsVersion(c.env);
      return "profile-saved";
    }),
  );
