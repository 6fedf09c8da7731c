/**
 * `/games/{id}`. Before kickoff: both teams' pickable players (position filter and name search, on the server for a
 * page without script and as one types with it), each with the latest market price and first TDs this season, the
 * DEF options, and the forms to pick, change or remove the pick (POST /games/{id}/pick, /pick/change, /pick/remove,
 * through the same picks service as /v1/picks). A refusal re-renders the page with the API's message, its status, and
 * the rule behind it. From kickoff on: the score, the first TD when known, and every pick of each of the viewer's
 * leagues, in a region the script refreshes while the game is live.
 */
import { Hono } from "hono";
import type { Child } from "hono/jsx";
import { PICKABLE_POSITIONS } from "../../domain/positions";
import { normalizePlayerName } from "../../domain/names";
import { credentialLabel } from "../../http/auth";
import { ApiError } from "../../http/errors";
import { getGameRow, toGameView, type GameView } from "../../services/games";
import { leagueGamePicks, listMyLeagues, type LeagueGamePicks, type MyLeagueView } from "../../services/leagues";
import { changePickPlayer, createPick, deletePick, findUserPickInGame, listUserPicks, type PickView } from "../../services/picks";
import { pickablePlayersOfGame, type GamePlayer } from "../../services/players";
import { americanOdds, firstTdText, frozenPrice, GameState, gameTitle, isLive, Outcome, percent, Score, Time, units } from "../components";
import { flashMessage, withFlash, type FlashCode } from "../flash";
import { CsrfField, Layout, sendPage } from "../layout";
import { formFields } from "../params";
import { signedOutError } from "../problem";
import { signInRedirect, type Viewer, type WebBindings, type WebContext } from "../viewer";

/** How often a live game's page fetches itself again (seconds); the live sync polls ESPN every 2 minutes. */
export const LIVE_REFRESH_SECONDS = 30;

interface LeagueBoardOfGame extends LeagueGamePicks {
  league: MyLeagueView;
}

interface GamePageData {
  game: GameView;
  myPick: PickView | null;
  leagues: LeagueBoardOfGame[];
  players: GamePlayer[];
}

interface PlayerFilter {
  position: string;
  q: string;
}

async function loadGamePage(c: WebContext, viewer: Viewer, gameId: string, now: Date): Promise<GamePageData> {
  const db = c.get("db");
  // Two reads: what depends on the game alone, then what depends on the game's row and the viewer's leagues.
  const [row, myPick, myLeagues] = await Promise.all([getGameRow(db, gameId), findUserPickInGame(db, viewer.userId, gameId), listMyLeagues(db, viewer.userId)]);
  const game = toGameView(row, now);
  const reader = { kind: "user" as const, userId: viewer.userId };
  const [players, leagues] = await Promise.all([
    game.locked ? Promise.resolve([]) : pickablePlayersOfGame(db.$client, row, now),
    Promise.all(myLeagues.map(async (league) => ({ league, ...(await leagueGamePicks(db, { leagueId: league.id, gameId: game.id, reader })) }))),
  ]);
  return { game, myPick, leagues, players };
}

function filterOf(query: (name: string) => string | undefined): PlayerFilter {
  const position = query("position") ?? "";
  return { position: (PICKABLE_POSITIONS as readonly string[]).includes(position) ? position : "", q: (query("q") ?? "").slice(0, 60) };
}

function matches(player: GamePlayer, filter: PlayerFilter, nameKey: string): boolean {
  return (!filter.position || player.position === filter.position) && (!nameKey || player.nameKey.includes(nameKey));
}

function PlayerRow(props: { player: GamePlayer; checked: boolean; hidden: boolean }) {
  const { player } = props;
  const price = player.price ? `${americanOdds(player.price.americanOdds)} (${percent(player.price.impliedProbability)})` : "no price yet";
  const tds = `${player.firstTdCount} first ${player.firstTdCount === 1 ? "TD" : "TDs"} this season`;
  return (
    <li data-name={player.nameKey} data-position={player.position} hidden={props.hidden}>
      <label>
        <input type="radio" name="playerId" value={player.id} checked={props.checked} required />
        <span>
          <span class="name">{player.fullName}</span>
          <span class="meta">
            {`${player.position}${player.jersey !== null ? ` #${player.jersey}` : ""} · ${player.team} · ${price} · ${tds}`}
          </span>
        </span>
      </label>
    </li>
  );
}

function PickForm(props: { viewer: Viewer; data: GamePageData; filter: PlayerFilter; selected: string | null }) {
  const { game, players, myPick } = props.data;
  const nameKey = normalizePlayerName(props.filter.q);
  const base = `/games/${encodeURIComponent(game.id)}`;
  const teams = [
    { code: game.awayTeam, side: "away" },
    { code: game.homeTeam, side: "home" },
  ];
  const shown = players.filter((p) => matches(p, props.filter, nameKey) || p.id === props.selected).length;
  return (
    <section aria-labelledby="pick-heading">
      <h2 id="pick-heading">{myPick ? "Change your pick" : "Pick a player"}</h2>
      <form method="get" action={base} id="player-filter" class="row" role="search" aria-label="Filter players">
        <div class="field">
          <label for="position">Position</label>
          <select id="position" name="position">
            <option value="">All positions</option>
            {PICKABLE_POSITIONS.map((position) => (
              <option value={position} selected={props.filter.position === position}>
                {position === "DEF" ? "DEF (team defense)" : position}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="q">Name</label>
          <input id="q" name="q" type="search" value={props.filter.q} autocomplete="off" />
        </div>
        <button type="submit" class="secondary">
          Filter
        </button>
      </form>
      <p id="player-count" class="small muted" aria-live="polite">
        {`${shown} ${shown === 1 ? "player" : "players"} shown`}
      </p>
      {players.length === 0 ? (
        <p>No pickable players are listed for this game yet (rosters load every morning).</p>
      ) : (
        <form method="post" action={myPick ? `${base}/pick/change` : `${base}/pick`}>
          <CsrfField viewer={props.viewer} />
          <div id="players">
            {teams.map((team) => (
              <fieldset>
                <legend>{`${team.code} (${team.side})`}</legend>
                <ul class="players">
                  {players
                    .filter((p) => p.team === team.code)
                    .map((player) => (
                      <PlayerRow
                        player={player}
                        checked={player.id === props.selected}
                        hidden={!matches(player, props.filter, nameKey) && player.id !== props.selected}
                      />
                    ))}
                </ul>
              </fieldset>
            ))}
          </div>
          <button type="submit">{myPick ? "Change pick" : "Pick"}</button>
        </form>
      )}
    </section>
  );
}

function Rules(props: { game: GameView }) {
  return (
    <details>
      <summary>The rules</summary>
      <ul>
        <li>One pick per game; it counts in every league you are in.</li>
        <li>Never the same player twice in a week, across all of the week's games.</li>
        <li>
          Picks lock at kickoff (<Time at={props.game.kickoffAt} />) by the server's clock. Until then you can change or
          remove yours; after it, nothing changes.
        </li>
        <li>
          Your pick freezes the market price of that moment (the median of the last 30 minutes). A win earns that price in
          units, a loss costs one; a pick without a price counts as even money.
        </li>
      </ul>
    </details>
  );
}

function LeagueCounts(props: { leagues: LeagueBoardOfGame[] }) {
  if (props.leagues.length === 0) return null;
  return (
    <ul class="small muted" aria-label="Picks made in your leagues">
      {props.leagues.map((l) => (
        <li>{`${l.league.name}: ${l.pickedCount} of ${l.memberCount} members have picked (who picked whom shows at kickoff)`}</li>
      ))}
    </ul>
  );
}

function MyPick(props: { viewer: Viewer; game: GameView; pick: PickView | null }) {
  const { pick, game } = props;
  if (!pick) return <p id="my-pick">{game.locked ? "You made no pick in this game." : "You have no pick in this game yet."}</p>;
  return (
    <div id="my-pick" class="card">
      <p>
        Your pick: <strong>{pick.playerName}</strong>
        {pick.team ? ` (${pick.team}${pick.position ? ` ${pick.position}` : ""})` : ""}, frozen at {frozenPrice(pick)}
      </p>
      {game.locked ? (
        <p>
          <Outcome outcome={pick.outcome} />
          {pick.units !== null ? ` · ${units(pick.units)} units` : ""}
        </p>
      ) : (
        <form method="post" action={`/games/${encodeURIComponent(game.id)}/pick/remove`}>
          <CsrfField viewer={props.viewer} />
          <button type="submit" class="danger">
            Remove pick
          </button>
        </form>
      )}
    </div>
  );
}

function LeaguePicksTable(props: { board: LeagueBoardOfGame; viewer: Viewer }) {
  const { board } = props;
  const picks = board.picks ?? [];
  return (
    <table>
      <caption>{`${board.league.name}: ${board.pickedCount} of ${board.memberCount} picked`}</caption>
      <thead>
        <tr>
          <th scope="col">Member</th>
          <th scope="col">Pick</th>
          <th scope="col" class="num">
            Price
          </th>
          <th scope="col">Result</th>
        </tr>
      </thead>
      <tbody>
        {picks.map((pick) => (
          <tr class={pick.userId === props.viewer.userId ? "me" : undefined}>
            <td>{pick.userId === props.viewer.userId ? `${pick.name} (you)` : pick.name}</td>
            <td>{`${pick.playerName}${pick.team ? ` (${pick.team})` : ""}`}</td>
            <td class="num">{americanOdds(pick.americanOdds)}</td>
            <td>
              <Outcome outcome={pick.outcome} />
              {pick.units !== null ? ` ${units(pick.units)}` : ""}
            </td>
          </tr>
        ))}
        {picks.length === 0 ? (
          <tr>
            <td colspan={4}>Nobody in this league picked this game.</td>
          </tr>
        ) : null}
      </tbody>
    </table>
  );
}

function LiveRegion(props: { viewer: Viewer; data: GamePageData; now: Date }) {
  const { game } = props.data;
  const live = isLive(game);
  const firstTd = firstTdText(game);
  return (
    <section
      id="live"
      aria-labelledby="live-heading"
      data-live-refresh={live ? String(LIVE_REFRESH_SECONDS) : undefined}
      // Where the script fetches the region again: the game's page, also when this is the answer to a refused form
      // post, whose own address has no GET.
      data-live-src={live ? `/games/${encodeURIComponent(game.id)}` : undefined}
    >
      <h2 id="live-heading">{live ? "Live" : "Result"}</h2>
      <p>
        <GameState game={game} now={props.now} />
      </p>
      <Score game={game} />
      <p id="first-td">{firstTd ?? (game.status === "final" ? "The first TD is not in the feed yet." : "No touchdown yet.")}</p>
      <MyPick viewer={props.viewer} game={game} pick={props.data.myPick} />
      {props.data.leagues.length === 0 ? (
        <p>
          Join a league to see its members' picks here. <a href="/">Your leagues</a>
        </p>
      ) : (
        props.data.leagues.map((board) => <LeaguePicksTable board={board} viewer={props.viewer} />)
      )}
    </section>
  );
}

interface PickRefusal {
  error: ApiError;
  explanation?: Child;
}

function GamePage(props: {
  viewer: Viewer;
  data: GamePageData;
  now: Date;
  filter: PlayerFilter;
  flash: string | null;
  refusal?: PickRefusal;
  selected: string | null;
}) {
  const { game } = props.data;
  const live = game.locked && isLive(game);
  return (
    <Layout
      title={gameTitle(game)}
      viewer={props.viewer}
      flash={props.flash}
      error={props.refusal ? { message: props.refusal.error.message, explanation: props.refusal.explanation } : null}
    >
      <h1>{gameTitle(game)}</h1>
      <p>
        {`Week ${game.week}, ${game.season} · kickoff `}
        <Time at={game.kickoffAt} />
      </p>
      {game.locked ? (
        <>
          {live ? (
            <p>
              <button type="button" id="live-toggle" class="secondary" aria-pressed="false" hidden>
                Pause live updates
              </button>
            </p>
          ) : null}
          <LiveRegion viewer={props.viewer} data={props.data} now={props.now} />
        </>
      ) : (
        <>
          <p>
            <GameState game={game} now={props.now} />
          </p>
          <MyPick viewer={props.viewer} game={game} pick={props.data.myPick} />
          <LeagueCounts leagues={props.data.leagues} />
          <Rules game={game} />
          <PickForm viewer={props.viewer} data={props.data} filter={props.filter} selected={props.selected} />
        </>
      )}
    </Layout>
  );
}

/** Why the rule refused, beyond the API's message: what the viewer can do about it. */
async function explain(c: WebContext, viewer: Viewer, data: GamePageData, error: ApiError, playerId: string | null): Promise<Child> {
  const { game } = data;
  if (error.code === "duplicate_player_in_week") {
    const weekPicks = await listUserPicks(c.get("db"), viewer.userId, { season: game.season, week: game.week });
    const other = weekPicks.find((pick) => pick.playerId === playerId && pick.gameId !== game.id);
    return (
      <p>
        A player can be your pick only once a week, across all of the week's games.
        {other ? (
          <>
            {` You picked ${other.playerName} in `}
            <a href={`/games/${encodeURIComponent(other.gameId)}`}>{other.gameId}</a>
            {" this week: pick someone else here, or change that pick first."}
          </>
        ) : (
          " Pick someone else."
        )}
      </p>
    );
  }
  if (error.code === "game_locked") {
    return (
      <p>
        Picks lock at kickoff (<Time at={game.kickoffAt} />) by the server's clock, and a game that has begun stays locked:
        no pick can be made, changed or removed after it.
      </p>
    );
  }
  if (error.code === "duplicate_pick_in_game") return <p>One pick per game: change or remove the one you have.</p>;
  return null;
}

async function renderGame(
  c: WebContext,
  viewer: Viewer,
  gameId: string,
  options: { refusal?: ApiError; playerId?: string | null } = {},
): Promise<Response> {
  const now = new Date();
  const data = await loadGamePage(c, viewer, gameId, now);
  const filter = filterOf((name) => c.req.query(name));
  const selected = options.playerId ?? data.myPick?.playerId ?? null;
  const refusal = options.refusal ? { error: options.refusal, explanation: await explain(c, viewer, data, options.refusal, options.playerId ?? null) } : undefined;
  const page = (
    <GamePage viewer={viewer} data={data} now={now} filter={filter} flash={flashMessage(c.req.query("flash"))} refusal={refusal} selected={selected} />
  );
  return sendPage(c, page, (refusal?.error.status ?? 200) as Parameters<typeof sendPage>[2]);
}

/** Runs a change to the viewer's pick: redirect with a flash, or the page again with the refusal and its status. */
async function changePick(c: WebContext, flash: FlashCode, run: (viewer: Viewer, gameId: string, playerId: string | null) => Promise<unknown>) {
  const viewer = c.get("viewer");
  if (!viewer) throw signedOutError();
  const gameId = c.req.param("id") ?? "";
  const fields = await formFields(c);
  const playerId = fields.playerId?.trim() || null;
  try {
    await run(viewer, gameId, playerId);
  } catch (error) {
    if (error instanceof ApiError && error.status < 500) return renderGame(c, viewer, gameId, { refusal: error, playerId });
    throw error;
  }
  return c.redirect(withFlash(`/games/${encodeURIComponent(gameId)}`, flash), 303);
}

function requirePlayer(playerId: string | null): string {
  if (!playerId) throw new ApiError("validation_failed", "Choose a player first.", [{ field: "body.playerId", problem: "Required" }]);
  return playerId;
}

async function ownPickId(c: WebContext, viewer: Viewer, gameId: string): Promise<number> {
  const pick = await findUserPickInGame(c.get("db"), viewer.userId, gameId);
  if (!pick) throw new ApiError("pick_not_found", "You have no pick in this game (any more).");
  return pick.id;
}

export const gameRoutes = new Hono<WebBindings>()
  .get("/games/:id", async (c) => {
    const viewer = c.get("viewer");
    if (!viewer) return signInRedirect(c);
    return renderGame(c, viewer, c.req.param("id"));
  })
  .post("/games/:id/pick", (c) =>
    changePick(c, "picked", (viewer, gameId, playerId) =>
      createPick(c.get("db"), { userId: viewer.userId, gameId, playerId: requirePlayer(playerId), now: new Date(), changedBy: credentialLabel(c.get("caller")) }),
    ),
  )
  .post("/games/:id/pick/change", (c) =>
    changePick(c, "pick-changed", async (viewer, gameId, playerId) => {
      const chosen = requirePlayer(playerId);
      const pickId = await ownPickId(c, viewer, gameId);
      return changePickPlayer(c.get("db"), { userId: viewer.userId, pickId, playerId: chosen, now: new Date(), changedBy: credentialLabel(c.get("caller")) });
    }),
  )
  .post("/games/:id/pick/remove", (c) =>
    changePick(c, "pick-removed", async (viewer, gameId) => {
      const pickId = await ownPickId(c, viewer, gameId);
      return deletePick(c.get("db"), { userId: viewer.userId, pickId, now: new Date() });
    }),
  );
