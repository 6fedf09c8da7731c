import { fetchJson, pathSegment, upstreamUrl, type FetchOptions } from "../http";
import { parseCorePlay, type CorePlay } from "./core-play";
import { parseScoreboard, type ParsedScoreboard } from "./scoreboard";
import { parseSummary, type GameSummary } from "./summary";

/** ESPN's public APIs under ESPN_SITE_API_URL / ESPN_CORE_API_URL, at their own paths. */
export class EspnClient {
  constructor(
    private readonly siteBase: string,
    private readonly coreBase: string,
    private readonly options: FetchOptions,
  ) {}

  /** `date` is an Eastern calendar date 'YYYY-MM-DD'. */
  async scoreboard(date: string): Promise<ParsedScoreboard> {
    const url = upstreamUrl(this.siteBase, `/apis/site/v2/sports/football/nfl/scoreboard?dates=${encodeURIComponent(date.replace(/-/g, ""))}`);
    return parseScoreboard(await fetchJson(url, this.options));
  }

  async summary(eventId: string): Promise<GameSummary> {
    const url = upstreamUrl(this.siteBase, `/apis/site/v2/sports/football/nfl/summary?event=${encodeURIComponent(eventId)}`);
    return parseSummary(await fetchJson(url, this.options));
  }

  /** One play of a game; ESPN uses the event id as the competition id for NFL games. Both ids come from data. */
  async play(eventId: string, playId: string): Promise<CorePlay> {
    const event = pathSegment(eventId);
    const path = `/v2/sports/football/leagues/nfl/events/${event}/competitions/${event}/plays/${pathSegment(playId)}`;
    return parseCorePlay(await fetchJson(upstreamUrl(this.coreBase, path), this.options));
  }
}
