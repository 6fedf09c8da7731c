/**
 * `/leagues/{id}` (its members; 403 for anyone else, 404 unknown): the league's season board and one week's board
 * with its winners (ranked by the league's ranking and tiebreak, the viewer's row highlighted), its members, the
 * invite link with a copy button and a QR code (inline SVG rendered here by uqr), and for the commissioner the
 * league's settings, a new link, and the members' management. Every form posts to a web route below that calls the
 * leagues service the /v1 routes call, then redirects (or shows the refusal with its status).
 */
import { Hono } from "hono";
import { raw } from "hono/html";
import { renderSVG } from "uqr";
import { auditActor } from "../../http/auth";
import { ApiError } from "../../http/errors";
import { webOrigin } from "../../http/relying-party";
import { currentSeason } from "../../jobs/season";
import { currentWeek } from "../../services/games";
import { cursorSigner } from "../../services/keyset";
import { getLeagueBoard, type LeaderboardEntry } from "../../services/leaderboards";
import {
  createLeague,
  createLeagueInvite,
  getLeague,
  leagueForReader,
  leaveLeague,
  listMembers,
  removeMember,
  requireCommissionerOfMember,
  rotateLeagueInvite,
  transferCommissioner,
  updateLeague,
  type InviteLinks,
  type LeagueRanking,
  type LeagueView,
  type MemberView,
} from "../../services/leagues";
import { issueSignInLink, type IssuedSignInLink } from "../../services/sign-in-links";
import { getUser } from "../../services/users";
import { Time, units } from "../components";
import { flashMessage, withFlash, type FlashCode } from "../flash";
import { CsrfField, Layout, sendPage } from "../layout";
import { LeagueWebhookSection } from "./notifications";
import { getLeagueWebhook, type LeagueWebhookView } from "../../notifications/store";
import { formFields, optionalSeason, optionalWeek, pathId } from "../params";
import { signedOutError } from "../problem";
import { asAppContext, signInRedirect, type Viewer, type WebBindings, type WebContext } from "../viewer";
import { PasskeyOffer } from "./me";

type Board = Awaited<ReturnType<typeof getLeagueBoard>>;

interface LeaguePageData {
  league: LeagueView;
  season: number;
  week: number | null;
  seasonBoard: Board;
  weekBoard: Board | null;
  members: MemberView[];
  /** The next page of members starts after this user id; null: no more. */
  nextMembersAfter: number | null;
  /** The league's chat webhook, for its commissioner. */
  webhook: LeagueWebhookView | null;
}

/** Rows of a board and members on one page: a large league's page stays light (the next ones are a link away). */
export const BOARD_PAGE_SIZE = 50;
export const MEMBERS_PAGE_SIZE = 100;

const RANKING_LABELS: Record<LeagueRanking, string> = {
  wins: "Wins (ties broken by units)",
  units: "Units (ties broken by wins)",
};

const NOT_FOUND = new ApiError("league_not_found", "No such league.");

function inviteLinks(c: WebContext): InviteLinks {
  return { secret: c.env.SESSION_SECRET, origin: webOrigin(asAppContext(c)) };
}

async function loadLeaguePage(c: WebContext, viewer: Viewer, leagueId: number, now: Date): Promise<LeaguePageData> {
  const db = c.get("db");
  const reader = { kind: "user" as const, userId: viewer.userId };
  const [readable, current] = await Promise.all([leagueForReader(db, leagueId, reader), currentWeek(db, now)]);
  const requestedSeason = optionalSeason(c.req.query("season"));
  const season = requestedSeason ?? current?.season ?? currentSeason(now);
  const week = optionalWeek(c.req.query("week")) ?? (current && current.season === season ? current.week : null);
  const boardLeague = { id: readable.id, ranking: readable.ranking as LeagueRanking, boardMaterialized: readable.boardMaterialized === 1 };
  const signer = cursorSigner(c.env.SESSION_SECRET);
  const cursor = c.req.query("cursor") || undefined;
  const membersAfter = Number(c.req.query("members_after"));
  const [league, seasonBoard, weekBoard, members, webhook] = await Promise.all([
    getLeague(db, leagueId, reader, inviteLinks(c), now),
    getLeagueBoard(db.$client, boardLeague, { season, limit: BOARD_PAGE_SIZE, cursor, callerUserId: viewer.userId }, signer),
    week === null ? Promise.resolve(null) : getLeagueBoard(db.$client, boardLeague, { season, week, limit: BOARD_PAGE_SIZE, callerUserId: viewer.userId }, signer),
    listMembers(db, { leagueId, reader, limit: MEMBERS_PAGE_SIZE, after: Number.isSafeInteger(membersAfter) && membersAfter > 0 ? membersAfter : undefined }),
    readable.readerIsCommissioner ? getLeagueWebhook(db, leagueId, reader) : Promise.resolve(null),
  ]);
  return { league, season, week, seasonBoard, weekBoard, members: members.members, nextMembersAfter: members.nextAfter, webhook };
}

function BoardTable(props: { board: Board; caption: string; viewer: Viewer; id: string }) {
  const { board } = props;
  const entries: LeaderboardEntry[] = [...board.entries];
  const mineShown = entries.some((e) => e.userId === props.viewer.userId);
  if (board.me && !mineShown) entries.push(board.me);
  return (
    <table id={props.id}>
      <caption>{props.caption}</caption>
      <thead>
        <tr>
          <th scope="col" class="num">
            Rank
          </th>
          <th scope="col">Member</th>
          <th scope="col" class="num">
            Picks
          </th>
          <th scope="col" class="num">
            W–L
          </th>
          <th scope="col" class="num">
            Units
          </th>
        </tr>
      </thead>
      <tbody>
        {entries.map((entry) => {
          const mine = entry.userId === props.viewer.userId;
          return (
            <tr class={mine ? "me" : undefined} aria-current={mine ? "true" : undefined}>
              <td class="num">{entry.rank}</td>
              <td>{mine ? `${entry.name} (you)` : entry.name}</td>
              <td class="num">{entry.picks}</td>
              <td class="num">{`${entry.wins}–${entry.losses}`}</td>
              <td class="num">{units(entry.units)}</td>
            </tr>
          );
        })}
        {entries.length === 0 ? (
          <tr>
            <td colspan={5}>No graded or pending picks yet.</td>
          </tr>
        ) : null}
      </tbody>
    </table>
  );
}

function WeekPicker(props: { league: LeagueView; season: number; week: number | null }) {
  const weeks = Array.from({ length: 22 }, (_, i) => i + 1);
  return (
    <form method="get" action={`/leagues/${props.league.id}`} class="row" aria-label="Choose the week">
      <input type="hidden" name="season" value={String(props.season)} />
      <div class="field">
        <label for="board-week">Week</label>
        <select id="board-week" name="week">
          {weeks.map((w) => (
            <option value={String(w)} selected={w === props.week}>{`Week ${w}`}</option>
          ))}
        </select>
      </div>
      <button type="submit" class="secondary">
        Show week
      </button>
    </form>
  );
}

function Boards(props: { data: LeaguePageData; viewer: Viewer }) {
  const { data } = props;
  const winners = data.weekBoard?.winners ?? [];
  return (
    <section aria-labelledby="boards">
      <h2 id="boards">Standings</h2>
      <p class="small muted">{`Ranked by ${RANKING_LABELS[data.league.ranking].toLowerCase()}; members level on both share a rank.`}</p>
      <BoardTable board={data.seasonBoard} caption={`Season ${data.season}`} viewer={props.viewer} id="season-board" />
      {data.seasonBoard.nextCursor ? (
        <p>
          <a href={`/leagues/${data.league.id}?season=${data.season}${data.week ? `&week=${data.week}` : ""}&cursor=${encodeURIComponent(data.seasonBoard.nextCursor)}`}>
            More of the season board
          </a>
        </p>
      ) : null}
      <WeekPicker league={data.league} season={data.season} week={data.week} />
      {data.weekBoard ? (
        <>
          <p id="week-winners">
            {winners.length > 0
              ? `Week ${data.week} ${winners.length === 1 ? "winner" : "winners"}: ${winners.map((w) => w.name).join(", ")}`
              : `Week ${data.week}: no winner yet.`}
          </p>
          <BoardTable board={data.weekBoard} caption={`Week ${data.week}, ${data.season}`} viewer={props.viewer} id="week-board" />
        </>
      ) : null}
    </section>
  );
}

function qrCode(url: string): string {
  return renderSVG(url, { ecc: "M", border: 4 }).replace("<svg ", '<svg aria-hidden="true" focusable="false" ');
}

function Invite(props: { league: LeagueView; viewer: Viewer }) {
  const { league } = props;
  if (!league.you.mayInvite) return <p>Only the commissioner invites people to this league.</p>;
  const invite = league.invite;
  if (!invite || !invite.url) {
    return (
      <form method="post" action={`/leagues/${league.id}/invites`}>
        <CsrfField viewer={props.viewer} />
        <p>The league has no invite link that works right now.</p>
        <button type="submit">Make an invite link</button>
      </form>
    );
  }
  return (
    <>
      <div class="field">
        <label for="invite-link">Invite link</label>
        <input id="invite-link" type="text" readonly value={invite.url} />
      </div>
      <div class="actions">
        <button type="button" class="secondary" data-copy="invite-link" data-status="copy-status" hidden>
          Copy link
        </button>
        <span id="copy-status" role="status" class="muted"></span>
      </div>
      <p class="small muted">
        {`Anyone with this link can join${invite.expiresAt ? "" : " (it does not expire)"}${invite.maxUses !== null ? `; ${invite.maxUses - invite.uses} uses left` : ""}.`}
        {invite.expiresAt ? (
          <>
            {" It expires "}
            <Time at={invite.expiresAt} />.
          </>
        ) : null}
      </p>
      <figure class="qr">
        <div role="img" aria-label="QR code to scan to join">
          {raw(qrCode(invite.url))}
        </div>
        <figcaption class="small muted">Scan to open the invite link on a phone.</figcaption>
      </figure>
    </>
  );
}

function Settings(props: { league: LeagueView; viewer: Viewer }) {
  const { league } = props;
  return (
    <section aria-labelledby="settings">
      <h2 id="settings">Settings</h2>
      <form method="post" action={`/leagues/${league.id}/settings`}>
        <CsrfField viewer={props.viewer} />
        <div class="field">
          <label for="settings-name">League name</label>
          <input id="settings-name" name="name" value={league.name} required maxlength={60} />
        </div>
        <div class="field">
          <label for="settings-ranking">Rank by</label>
          <select id="settings-ranking" name="ranking">
            {(Object.keys(RANKING_LABELS) as LeagueRanking[]).map((ranking) => (
              <option value={ranking} selected={league.ranking === ranking}>
                {RANKING_LABELS[ranking]}
              </option>
            ))}
          </select>
        </div>
        <div class="check">
          <input id="settings-invite" type="checkbox" name="membersMayInvite" value="on" checked={league.membersMayInvite} />
          <label for="settings-invite">Members may invite people</label>
        </div>
        <button type="submit">Save settings</button>
      </form>
      <form method="post" action={`/leagues/${league.id}/invite/rotate`}>
        <CsrfField viewer={props.viewer} />
        <p class="small muted">A new invite link ends every link given out so far: they stop working at once.</p>
        <button type="submit" class="secondary">
          New invite link
        </button>
      </form>
    </section>
  );
}

/** The commissioner's tools for one member at a time: pick the member, then the action (each its own route). */
function ManageMembers(props: { league: LeagueView; members: MemberView[]; viewer: Viewer }) {
  const others = props.members.filter((m) => m.userId !== props.viewer.userId);
  if (!props.league.you.isCommissioner || others.length === 0) return null;
  const base = `/leagues/${props.league.id}/members`;
  return (
    <form method="post" action={`${base}/remove`} id="manage-members">
      <CsrfField viewer={props.viewer} />
      <h3>Manage a member</h3>
      <div class="field">
        <label for="member">Member</label>
        <select id="member" name="userId" required>
          {others.map((member) => (
            <option value={String(member.userId)}>{member.name}</option>
          ))}
        </select>
      </div>
      <div class="actions">
        <button type="submit" class="danger" formaction={`${base}/remove`}>
          Remove member
        </button>
        <button type="submit" class="secondary" formaction={`${base}/commissioner`}>
          Make commissioner
        </button>
        <button type="submit" class="secondary" formaction={`${base}/sign-in-link`}>
          Issue sign-in link
        </button>
      </div>
      <p class="small muted">
        Removing someone does not end links they hold: get a new invite link too. A sign-in link lets a member who lost their
        passkeys in again, once, within 24 hours.
      </p>
    </form>
  );
}

function Members(props: { data: LeaguePageData; viewer: Viewer }) {
  const { league, members } = props.data;
  return (
    <section aria-labelledby="members">
      <h2 id="members">{`Members (${league.memberCount})`}</h2>
      <ul id="member-list">
        {members.map((member) => (
          <li>
            {member.userId === props.viewer.userId ? `${member.name} (you)` : member.name}
            {member.isCommissioner ? <span class="muted"> · commissioner</span> : null}
          </li>
        ))}
      </ul>
      {props.data.nextMembersAfter !== null ? (
        <p>
          <a href={`/leagues/${league.id}?members_after=${props.data.nextMembersAfter}#members`}>More members</a>
        </p>
      ) : null}
      <ManageMembers league={league} members={members} viewer={props.viewer} />
      {!league.you.isCommissioner ? (
        <form method="post" action={`/leagues/${league.id}/leave`}>
          <CsrfField viewer={props.viewer} />
          <button type="submit" class="danger">
            Leave league
          </button>
        </form>
      ) : null}
    </section>
  );
}

function LeaguePage(props: {
  data: LeaguePageData;
  viewer: Viewer;
  flash: string | null;
  error: ApiError | null;
  issuedLink: (IssuedSignInLink & { name: string }) | null;
  offerPasskey: boolean;
}) {
  const { league } = props.data;
  return (
    <Layout
      title={league.name}
      viewer={props.viewer}
      flash={props.flash}
      error={props.error ? { message: props.error.message } : null}
      scripts={props.offerPasskey ? ["passkey"] : []}
    >
      <h1>{league.name}</h1>
      <p class="muted">{`Commissioner: ${league.commissioner.name} · ${league.memberCount} ${league.memberCount === 1 ? "member" : "members"}`}</p>
      {props.offerPasskey ? <PasskeyOffer /> : null}
      {props.issuedLink ? (
        <div class="card" id="issued-sign-in-link">
          <h2>{`Sign-in link for ${props.issuedLink.name}`}</h2>
          <p>
            Give it to them by a channel you trust: it signs them in once, until <Time at={props.issuedLink.expiresAt} />. It is
            shown only now.
          </p>
          <code class="secret">{props.issuedLink.url}</code>
        </div>
      ) : null}
      <Boards data={props.data} viewer={props.viewer} />
      <section aria-labelledby="invite">
        <h2 id="invite">Invite friends</h2>
        <Invite league={league} viewer={props.viewer} />
      </section>
      <Members data={props.data} viewer={props.viewer} />
      {league.you.isCommissioner ? <Settings league={league} viewer={props.viewer} /> : null}
      {league.you.isCommissioner && props.data.webhook ? <LeagueWebhookSection webhook={props.data.webhook} leagueId={league.id} viewer={props.viewer} /> : null}
    </Layout>
  );
}

async function renderLeague(
  c: WebContext,
  viewer: Viewer,
  leagueId: number,
  extra: { error?: ApiError; issuedLink?: IssuedSignInLink & { name: string }; status?: 200 | 201 } = {},
) {
  const data = await loadLeaguePage(c, viewer, leagueId, new Date());
  const flashCode = c.req.query("flash");
  const page = (
    <LeaguePage
      data={data}
      viewer={viewer}
      flash={flashMessage(flashCode)}
      error={extra.error ?? null}
      issuedLink={extra.issuedLink ?? null}
      offerPasskey={flashCode === "welcome-league"}
    />
  );
  return sendPage(c, page, (extra.error?.status ?? extra.status ?? 200) as Parameters<typeof sendPage>[2]);
}

/** A commissioner's or member's form: redirect with a flash, or the league page again with the refusal. */
async function leagueAction(c: WebContext, run: (viewer: Viewer, leagueId: number, fields: Record<string, string>) => Promise<FlashCode | Response>) {
  const viewer = c.get("viewer");
  if (!viewer) throw signedOutError();
  const leagueId = pathId(c.req.param("id"), NOT_FOUND);
  const fields = await formFields(c);
  let outcome: FlashCode | Response;
  try {
    outcome = await run(viewer, leagueId, fields);
  } catch (error) {
    if (error instanceof ApiError && error.status < 500) return renderLeague(c, viewer, leagueId, { error });
    throw error;
  }
  return typeof outcome === "string" ? c.redirect(withFlash(`/leagues/${leagueId}`, outcome), 303) : outcome;
}

/** The member the manage form names (its `userId` select). */
function memberId(fields: Record<string, string>): number {
  return pathId(fields.userId, new ApiError("member_not_found", "Choose a member of the league."));
}

/** The league name rule of the API (1 to 60 characters once trimmed). */
function leagueName(value: string | undefined): string {
  const name = (value ?? "").trim();
  if (name.length < 1 || name.length > 60) {
    throw new ApiError("validation_failed", "A league name has 1 to 60 characters.", [{ field: "body.name", problem: "1 to 60 characters" }]);
  }
  return name;
}

export const leagueRoutes = new Hono<WebBindings>()
  .get("/leagues/:id", async (c) => {
    const viewer = c.get("viewer");
    if (!viewer) return signInRedirect(c);
    return renderLeague(c, viewer, pathId(c.req.param("id"), NOT_FOUND));
  })
  .post("/leagues", async (c) => {
    const viewer = c.get("viewer");
    if (!viewer) throw signedOutError();
    const fields = await formFields(c);
    const league = await createLeague(
      c.get("db"),
      { userId: viewer.userId, name: leagueName(fields.name), ranking: "wins", membersMayInvite: true, links: inviteLinks(c) },
      new Date(),
    );
    return c.redirect(withFlash(`/leagues/${league.id}`, "league-created"), 303);
  })
  .post("/leagues/:id/settings", (c) =>
    leagueAction(c, async (viewer, leagueId, fields) => {
      const ranking = fields.ranking === "units" || fields.ranking === "wins" ? fields.ranking : undefined;
      await updateLeague(
        c.get("db"),
        { leagueId, userId: viewer.userId, name: leagueName(fields.name), ranking, membersMayInvite: fields.membersMayInvite === "on", links: inviteLinks(c) },
        new Date(),
      );
      return "settings-saved";
    }),
  )
  .post("/leagues/:id/invite/rotate", (c) =>
    leagueAction(c, async (viewer, leagueId) => {
      await rotateLeagueInvite(c.get("db"), { leagueId, userId: viewer.userId, links: inviteLinks(c) }, new Date());
      return "invite-rotated";
    }),
  )
  .post("/leagues/:id/invites", (c) =>
    leagueAction(c, async (viewer, leagueId) => {
      await createLeagueInvite(c.get("db"), { leagueId, userId: viewer.userId, links: inviteLinks(c) }, new Date());
      return "invite-made";
    }),
  )
  .post("/leagues/:id/members/remove", (c) =>
    leagueAction(c, async (viewer, leagueId, fields) => {
      await removeMember(c.get("db"), { leagueId, userId: viewer.userId, memberId: memberId(fields) });
      return "member-removed";
    }),
  )
  .post("/leagues/:id/members/commissioner", (c) =>
    leagueAction(c, async (viewer, leagueId, fields) => {
      await transferCommissioner(c.get("db"), { leagueId, userId: viewer.userId, newCommissionerId: memberId(fields), links: inviteLinks(c) }, new Date());
      return "commissioner-changed";
    }),
  )
  .post("/leagues/:id/members/sign-in-link", (c) =>
    leagueAction(c, async (viewer, leagueId, fields) => {
      const member = memberId(fields);
      const db = c.get("db");
      await requireCommissionerOfMember(db, { leagueId, userId: viewer.userId, memberId: member });
      const link = await issueSignInLink(db, c.env, { userId: member, createdBy: auditActor(c.get("caller")), origin: webOrigin(asAppContext(c)) }, new Date());
      const name = (await getUser(db, member)).name;
      // Shown once, in this answer: a redirect would have to carry the link.
      return renderLeague(c, viewer, leagueId, { issuedLink: { ...link, name }, status: 201 });
    }),
  )
  .post("/leagues/:id/leave", async (c) => {
    const viewer = c.get("viewer");
    if (!viewer) throw signedOutError();
    const leagueId = pathId(c.req.param("id"), NOT_FOUND);
    try {
      await leaveLeague(c.get("db"), leagueId, viewer.userId);
    } catch (error) {
      if (error instanceof ApiError && error.status < 500) return renderLeague(c, viewer, leagueId, { error });
      throw error;
    }
    return c.redirect(withFlash("/", "left-league"), 303);
  });
