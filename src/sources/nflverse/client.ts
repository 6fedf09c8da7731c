import { fetchText, pathSegment, upstreamUrl, type FetchOptions } from "../http";

/** nflverse, under NFLVERSE_BASE_URL (default https://github.com/nflverse), at the upstream's own paths. */
export function nflverseGamesUrl(base: string): string {
  return upstreamUrl(base, "/nfldata/raw/master/data/games.csv");
}

export function nflverseRosterUrl(base: string, season: number): string {
  return upstreamUrl(base, `/nflverse-data/releases/download/rosters/${pathSegment(`roster_${season}.csv`)}`);
}

/** nflreadr's list of other spellings of players' names (clean_player_names.csv). */
export function nflversePlayerAliasesUrl(base: string): string {
  return upstreamUrl(base, "/nflreadr/raw/main/data-raw/clean_player_names.csv");
}

export function fetchGamesCsv(base: string, options: FetchOptions): Promise<string> {
  return fetchText(nflverseGamesUrl(base), options);
}

export function fetchRosterCsv(base: string, season: number, options: FetchOptions): Promise<string> {
  return fetchText(nflverseRosterUrl(base, season), options);
}

export function fetchPlayerAliasesCsv(base: string, options: FetchOptions): Promise<string> {
  return fetchText(nflversePlayerAliasesUrl(base), options);
}
