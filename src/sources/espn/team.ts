import { TEAMS, toTeamCode } from "../../domain/teams";

const teamCodeByEspnId = new Map(TEAMS.map((team) => [String(team.espnTeamId), team.code]));

/** The nflverse code of an ESPN team id ('14' -> 'LA'), or null. */
export function teamCodeFromEspnId(espnTeamId: string | number | null | undefined): string | null {
  if (espnTeamId === null || espnTeamId === undefined) return null;
  return teamCodeByEspnId.get(String(espnTeamId).trim()) ?? null;
}

/** The nflverse code of an ESPN team object, by abbreviation (LAR, WSH) or else by id; null for AFC/NFC and the like. */
export function teamCodeFromEspn(team: { abbreviation?: string | undefined; id?: string | undefined }): string | null {
  return toTeamCode(team.abbreviation) ?? teamCodeFromEspnId(team.id);
}
