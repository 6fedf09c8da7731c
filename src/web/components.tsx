/** Small pieces the pages share: times, countdowns, prices, outcomes, the display name field. */
import type { GameView } from "../services/games";

const UTC_TEXT = new Intl.DateTimeFormat("en-GB", {
  timeZone: "UTC",
  weekday: "short",
  day: "numeric",
  month: "short",
  hour: "2-digit",
  minute: "2-digit",
  hourCycle: "h23",
});

/** An instant: stored and sent in UTC, shown in UTC by the server and in the viewer's own zone by the script. */
export function Time(props: { at: string | null; fallback?: string }) {
  if (!props.at) return <span>{props.fallback ?? "time to be announced"}</span>;
  const at = new Date(props.at);
  return (
    <time datetime={props.at} data-local="">
      {`${UTC_TEXT.format(at)} UTC`}
    </time>
  );
}

/** "in 2 d 3 h" until `at` (the script keeps it current), then `done`. */
export function Countdown(props: { at: string; now: Date; done: string }) {
  const ms = Date.parse(props.at) - props.now.getTime();
  return (
    <span data-countdown={props.at} data-done={props.done}>
      {ms > 0 ? `in ${timeLeft(ms)}` : props.done}
    </span>
  );
}

export function timeLeft(ms: number): string {
  const minutes = Math.floor(ms / 60_000);
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  const mins = minutes % 60;
  if (days > 0) return `${days} d ${hours} h`;
  if (hours > 0) return `${hours} h ${mins} min`;
  return mins > 0 ? `${mins} min` : "less than a minute";
}

export function americanOdds(odds: number | null): string {
  if (odds === null) return "no price";
  return odds > 0 ? `+${odds}` : String(odds);
}

export function percent(probability: number | null): string {
  return probability === null ? "" : `${(probability * 100).toFixed(1)}%`;
}

export function units(value: number | null): string {
  if (value === null) return "";
  return value > 0 ? `+${value.toFixed(2)}` : value.toFixed(2);
}

const ODDS_REASONS: Record<string, string> = {
  no_market: "no market for him in this game",
  stale: "no fresh price when picked",
  too_thin: "the market was too thin",
};

/** A pick's frozen price as a phrase: "+650 (13.3%)", or why it has none (graded at even money). */
export function frozenPrice(pick: { americanOdds: number | null; impliedProbability: number | null; oddsReason?: string | null }): string {
  if (pick.americanOdds !== null) return `${americanOdds(pick.americanOdds)} (${percent(pick.impliedProbability)})`;
  const reason = pick.oddsReason ? ODDS_REASONS[pick.oddsReason] ?? pick.oddsReason : "no price";
  return `unpriced: ${reason}; counts as even money`;
}

export function Outcome(props: { outcome: "win" | "loss" | "void" | null }) {
  if (props.outcome === null) return <span class="muted">not graded yet</span>;
  const text = { win: "Won", loss: "Lost", void: "Void" }[props.outcome];
  return <strong>{text}</strong>;
}

export function gameTitle(game: Pick<GameView, "awayTeam" | "homeTeam">): string {
  return `${game.awayTeam} at ${game.homeTeam}`;
}

/** Where a game stands, in words: open (with the countdown), live, final, postponed, canceled. */
export function GameState(props: { game: GameView; now: Date }) {
  const { game } = props;
  if (!game.locked && game.kickoffAt) {
    return (
      <span>
        <span class="tag open">Open</span> locks <Countdown at={game.kickoffAt} now={props.now} done="now: picks are locked" />
      </span>
    );
  }
  const label =
    game.status === "final"
      ? "Final"
      : game.status === "canceled" || game.isVoided
        ? "Canceled"
        : game.status === "in_progress"
          ? "Live"
          : game.status === "postponed"
            ? "Postponed"
            : "Locked";
  return <span class={`tag ${label === "Live" ? "live" : "locked"}`}>{label}</span>;
}

export function isLive(game: GameView): boolean {
  return game.locked && game.status !== "final" && game.status !== "canceled" && !game.isVoided;
}

export function Score(props: { game: GameView }) {
  const { game } = props;
  if (game.homeScore === null && game.awayScore === null) return null;
  return (
    <p class="score" aria-label={`Score: ${game.awayTeam} ${game.awayScore ?? 0}, ${game.homeTeam} ${game.homeScore ?? 0}`}>
      {`${game.awayTeam} ${game.awayScore ?? 0} – ${game.homeScore ?? 0} ${game.homeTeam}`}
    </p>
  );
}

/** The first TD of a game in a sentence, once known. */
export function firstTdText(game: GameView): string | null {
  if (game.noTd) return "No touchdown in this game: every pick loses.";
  if (!game.firstTd) return null;
  const who = game.firstTd.playerName ?? "a player not on a roster yet";
  const kind = game.firstTd.kind ? ` (${game.firstTd.kind.replace(/_/g, " ")})` : "";
  return `First TD: ${who}${game.firstTd.team ? `, ${game.firstTd.team}` : ""}${kind}.`;
}

/** The "Display name" field of the forms that make an account (joining, signing up): posted as `name`. */
export function DisplayNameField(props: { value: string }) {
  return (
    <div class="field">
      <label for="display-name">Display name</label>
      <input id="display-name" name="name" required maxlength={60} autocomplete="nickname" value={props.value} aria-describedby="display-name-help" />
      <span id="display-name-help" class="small muted">
        What the other members see. It must be unique.
      </span>
    </div>
  );
}
