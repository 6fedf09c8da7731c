/**
 * `/`: signed out, what this is and how to get in; signed in, the week's games (this week unless ?season=&week=):
 * each with its kickoff in the viewer's zone and a countdown, whether it still takes picks, the viewer's pick with its
 * frozen price, and how many members of each of the viewer's leagues have picked.
 */
import { Hono } from "hono";
import type { GameView } from "../../services/games";
import { currentWeek, listGames } from "../../services/games";
import { leaguePickCountsInWeek, listMyLeagues, type MyLeagueView } from "../../services/leagues";
import { listUserPicks, type PickView } from "../../services/picks";
import { frozenPrice, GameState, gameTitle, Outcome, Score, Time } from "../components";
import { flashMessage } from "../flash";
import { CsrfField, Layout, sendPage } from "../layout";
import { optionalSeason, optionalWeek } from "../params";
import type { Viewer, WebBindings } from "../viewer";
import { SIGN_UP_PATH, signUpIsOpen } from "./sign-up";

function Welcome(props: { flash: string | null; signUpOpen: boolean }) {
  return (
    <Layout title="Pick the first touchdown scorer" viewer={null} flash={props.flash}>
      <h1>Pick the first touchdown scorer</h1>
      <p>
        For every NFL game, pick the player you think scores its first touchdown, and see how you stand against your
        league: by wins, or by units at the market price your pick froze.
      </p>
      <ul>
        <li>One pick per game, and never the same player twice in a week.</li>
        <li>Picks lock at kickoff. Until then you can change or remove yours.</li>
        <li>Your league sees who picked whom once the game kicks off.</li>
      </ul>
      <p>
        <a class="button" href="/sign-in">
          Sign in
        </a>
      </p>
      {props.signUpOpen ? (
        <p>
          New here? <a href={SIGN_UP_PATH}>Create an account</a>, then start a league or open the invite link someone sent you.
        </p>
      ) : (
        <p class="muted">New here? Open the invite link someone sent you to join their league.</p>
      )}
    </Layout>
  );
}

interface WeekData {
  season: number;
  week: number;
  games: GameView[];
  picks: Map<string, PickView>;
  leagues: MyLeagueView[];
  counts: Map<string, number>;
}

function PickLine(props: { pick: PickView | undefined; game: GameView }) {
  const { pick, game } = props;
  if (!pick) {
    return game.locked ? (
      <p class="muted">You made no pick.</p>
    ) : (
      <p>
        No pick yet. <a href={`/games/${encodeURIComponent(game.id)}`}>Pick a player for {gameTitle(game)}</a>
      </p>
    );
  }
  return (
    <p>
      Your pick: <strong>{pick.playerName}</strong>
      {pick.team ? ` (${pick.team}${pick.position ? ` ${pick.position}` : ""})` : ""} at {frozenPrice(pick)}
      {game.locked ? (
        <>
          {" · "}
          <Outcome outcome={pick.outcome} />
        </>
      ) : null}
    </p>
  );
}

function GameCard(props: { game: GameView; data: WeekData; now: Date }) {
  const { game, data } = props;
  return (
    <li class="card">
      <h2>
        <a href={`/games/${encodeURIComponent(game.id)}`}>{gameTitle(game)}</a>
      </h2>
      <p>
        <Time at={game.kickoffAt} /> · <GameState game={game} now={props.now} />
      </p>
      <Score game={game} />
      <PickLine pick={data.picks.get(game.id)} game={game} />
      {data.leagues.length > 0 ? (
        <ul class="small muted">
          {data.leagues.map((league) => (
            <li>
              {`${league.name}: ${data.counts.get(`${league.id}:${game.id}`) ?? 0} of ${league.memberCount} picked`}
            </li>
          ))}
        </ul>
      ) : null}
    </li>
  );
}

function CreateLeague(props: { viewer: Viewer }) {
  return (
    <section aria-labelledby="create-league">
      <h2 id="create-league">Start a league</h2>
      <form method="post" action="/leagues" class="row">
        <CsrfField viewer={props.viewer} />
        <div class="field">
          <label for="league-name">League name</label>
          <input id="league-name" name="name" required maxlength={60} autocomplete="off" />
        </div>
        <button type="submit">Create league</button>
      </form>
    </section>
  );
}

function WeekPage(props: { viewer: Viewer; flash: string | null; data: WeekData | null; leagues: MyLeagueView[]; now: Date }) {
  const { data } = props;
  return (
    <Layout title={data ? `Week ${data.week}, ${data.season}` : "This week"} viewer={props.viewer} flash={props.flash}>
      {data ? (
        <>
          <h1>{`Week ${data.week}, ${data.season}`}</h1>
          <nav aria-label="Weeks" class="actions small">
            {data.week > 1 ? <a href={`/?season=${data.season}&week=${data.week - 1}`}>Previous week</a> : null}
            <a href="/">This week</a>
            {data.week < 22 ? <a href={`/?season=${data.season}&week=${data.week + 1}`}>Next week</a> : null}
          </nav>
          {data.games.length === 0 ? <p>No games this week.</p> : null}
          <ul class="list" id="games">
            {data.games.map((game) => (
              <GameCard game={game} data={data} now={props.now} />
            ))}
          </ul>
        </>
      ) : (
        <>
          <h1>This week</h1>
          <p>No games are scheduled yet.</p>
        </>
      )}
      <section aria-labelledby="my-leagues">
        <h2 id="my-leagues">Your leagues</h2>
        {props.leagues.length === 0 ? (
          <p>You are in no league yet: open an invite link, or start one below.</p>
        ) : (
          <ul>
            {props.leagues.map((league) => (
              <li>
                <a href={`/leagues/${league.id}`}>{league.name}</a>
                <span class="muted">{` · ${league.memberCount} ${league.memberCount === 1 ? "member" : "members"}`}</span>
              </li>
            ))}
          </ul>
        )}
      </section>
      <CreateLeague viewer={props.viewer} />
    </Layout>
  );
}

export const homeRoutes = new Hono<WebBindings>().get("/", async (c) => {
  const viewer = c.get("viewer");
  const flash = flashMessage(c.req.query("flash"));
  if (!viewer) return sendPage(c, <Welcome flash={flash} signUpOpen={signUpIsOpen(c)} />);
  const db = c.get("db");
  const now = new Date();
  const season = optionalSeason(c.req.query("season"));
  const week = optionalWeek(c.req.query("week"));
  const [scope, leagues] = await Promise.all([
    season !== undefined && week !== undefined ? { season, week } : currentWeek(db, now),
    listMyLeagues(db, viewer.userId),
  ]);
  if (!scope) return sendPage(c, <WeekPage viewer={viewer} flash={flash} data={null} leagues={leagues} now={now} />);
  const [games, picks, counts] = await Promise.all([
    listGames(db, scope, now),
    listUserPicks(db, viewer.userId, scope),
    leaguePickCountsInWeek(db, viewer.userId, scope.season, scope.week),
  ]);
  const data: WeekData = {
    ...scope,
    games,
    picks: new Map(picks.map((pick) => [pick.gameId, pick])),
    leagues,
    counts: new Map(counts.map((row) => [`${row.leagueId}:${row.gameId}`, row.pickedCount])),
  };
  return sendPage(c, <WeekPage viewer={viewer} flash={flash} data={data} leagues={leagues} now={now} />);
});
