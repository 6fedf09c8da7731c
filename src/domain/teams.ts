/**
 * The 32 NFL teams under their canonical nflverse codes, with the codes other sources use.
 * Migration v9 seeds `teams` and `team_aliases` from the same facts (a test keeps them equal).
 */
export interface Team {
  code: string;
  name: string;
  nickname: string;
  espnCode: string;
  espnTeamId: number;
  /** Codes used by other sources (NFL shield, MFL/Kalshi, PFR, historical) that differ from `code`. */
  otherCodes: readonly string[];
}

export const TEAMS: readonly Team[] = [
  { code: "ARI", name: "Arizona Cardinals", nickname: "Cardinals", espnCode: "ARI", espnTeamId: 22, otherCodes: ["AZ", "CRD"] },
  { code: "ATL", name: "Atlanta Falcons", nickname: "Falcons", espnCode: "ATL", espnTeamId: 1, otherCodes: [] },
  { code: "BAL", name: "Baltimore Ravens", nickname: "Ravens", espnCode: "BAL", espnTeamId: 33, otherCodes: ["RAV"] },
  { code: "BUF", name: "Buffalo Bills", nickname: "Bills", espnCode: "BUF", espnTeamId: 2, otherCodes: [] },
  { code: "CAR", name: "Carolina Panthers", nickname: "Panthers", espnCode: "CAR", espnTeamId: 29, otherCodes: [] },
  { code: "CHI", name: "Chicago Bears", nickname: "Bears", espnCode: "CHI", espnTeamId: 3, otherCodes: [] },
  { code: "CIN", name: "Cincinnati Bengals", nickname: "Bengals", espnCode: "CIN", espnTeamId: 4, otherCodes: [] },
  { code: "CLE", name: "Cleveland Browns", nickname: "Browns", espnCode: "CLE", espnTeamId: 5, otherCodes: [] },
  { code: "DAL", name: "Dallas Cowboys", nickname: "Cowboys", espnCode: "DAL", espnTeamId: 6, otherCodes: [] },
  { code: "DEN", name: "Denver Broncos", nickname: "Broncos", espnCode: "DEN", espnTeamId: 7, otherCodes: [] },
  { code: "DET", name: "Detroit Lions", nickname: "Lions", espnCode: "DET", espnTeamId: 8, otherCodes: [] },
  { code: "GB", name: "Green Bay Packers", nickname: "Packers", espnCode: "GB", espnTeamId: 9, otherCodes: ["GBP", "GNB"] },
  { code: "HOU", name: "Houston Texans", nickname: "Texans", espnCode: "HOU", espnTeamId: 34, otherCodes: ["HTX"] },
  { code: "IND", name: "Indianapolis Colts", nickname: "Colts", espnCode: "IND", espnTeamId: 11, otherCodes: ["CLT"] },
  { code: "JAX", name: "Jacksonville Jaguars", nickname: "Jaguars", espnCode: "JAX", espnTeamId: 30, otherCodes: ["JAC"] },
  { code: "KC", name: "Kansas City Chiefs", nickname: "Chiefs", espnCode: "KC", espnTeamId: 12, otherCodes: ["KCC", "KAN"] },
  { code: "LV", name: "Las Vegas Raiders", nickname: "Raiders", espnCode: "LV", espnTeamId: 13, otherCodes: ["LVR", "RAI", "OAK"] },
  { code: "LAC", name: "Los Angeles Chargers", nickname: "Chargers", espnCode: "LAC", espnTeamId: 24, otherCodes: ["SDG", "SD"] },
  { code: "LA", name: "Los Angeles Rams", nickname: "Rams", espnCode: "LAR", espnTeamId: 14, otherCodes: ["RAM", "STL"] },
  { code: "MIA", name: "Miami Dolphins", nickname: "Dolphins", espnCode: "MIA", espnTeamId: 15, otherCodes: [] },
  { code: "MIN", name: "Minnesota Vikings", nickname: "Vikings", espnCode: "MIN", espnTeamId: 16, otherCodes: [] },
  { code: "NE", name: "New England Patriots", nickname: "Patriots", espnCode: "NE", espnTeamId: 17, otherCodes: ["NEP", "NWE"] },
  { code: "NO", name: "New Orleans Saints", nickname: "Saints", espnCode: "NO", espnTeamId: 18, otherCodes: ["NOS", "NOR"] },
  { code: "NYG", name: "New York Giants", nickname: "Giants", espnCode: "NYG", espnTeamId: 19, otherCodes: [] },
  { code: "NYJ", name: "New York Jets", nickname: "Jets", espnCode: "NYJ", espnTeamId: 20, otherCodes: [] },
  { code: "PHI", name: "Philadelphia Eagles", nickname: "Eagles", espnCode: "PHI", espnTeamId: 21, otherCodes: [] },
  { code: "PIT", name: "Pittsburgh Steelers", nickname: "Steelers", espnCode: "PIT", espnTeamId: 23, otherCodes: [] },
  { code: "SF", name: "San Francisco 49ers", nickname: "49ers", espnCode: "SF", espnTeamId: 25, otherCodes: ["SFO"] },
  { code: "SEA", name: "Seattle Seahawks", nickname: "Seahawks", espnCode: "SEA", espnTeamId: 26, otherCodes: [] },
  { code: "TB", name: "Tampa Bay Buccaneers", nickname: "Buccaneers", espnCode: "TB", espnTeamId: 27, otherCodes: ["TBB", "TAM"] },
  { code: "TEN", name: "Tennessee Titans", nickname: "Titans", espnCode: "TEN", espnTeamId: 10, otherCodes: ["OTI"] },
  { code: "WAS", name: "Washington Commanders", nickname: "Commanders", espnCode: "WSH", espnTeamId: 28, otherCodes: ["WSH"] },
];

export const TEAM_CODES: readonly string[] = TEAMS.map((t) => t.code);

const teamByAlias = new Map<string, string>();
for (const team of TEAMS) {
  for (const alias of teamAliases(team)) teamByAlias.set(alias, team.code);
}

/** Every upper-cased alias of a team: its code, ESPN code, other codes, full name and nickname. */
export function teamAliases(team: Team): string[] {
  const all = [team.code, team.espnCode, ...team.otherCodes, team.name, team.nickname].map((a) => a.toUpperCase());
  return [...new Set(all)];
}

/** The nflverse code for any code or name a source uses, or null when it names no current team. */
export function toTeamCode(codeOrName: string | null | undefined): string | null {
  if (!codeOrName) return null;
  return teamByAlias.get(codeOrName.trim().toUpperCase()) ?? null;
}

export function defensePlayerId(teamCode: string): string {
  return `DEF-${teamCode}`;
}
