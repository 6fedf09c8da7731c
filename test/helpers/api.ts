import { env, SELF } from "cloudflare:test";

export const ADMIN_TOKEN = "test-admin-token";

export async function api(path: string, init: { method?: string; token?: string | null; body?: unknown; headers?: Record<string, string> } = {}) {
  const headers: Record<string, string> = { ...init.headers };
  if (init.token !== null) headers.authorization = `Bearer ${init.token ?? ADMIN_TOKEN}`;
  if (init.body !== undefined) headers["content-type"] = "application/json";
  const response = await SELF.fetch(`http://localhost${path}`, {
    method: init.method ?? "GET",
    headers,
    body: init.body === undefined ? undefined : typeof init.body === "string" ? init.body : JSON.stringify(init.body),
  });
  const text = await response.text();
  let json: any = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = text;
  }
  return { status: response.status, headers: response.headers, json };
}

let userCounter = 0;

/** Creates a user through the admin API and issues a token for them. */
export async function createUserWithToken(name = `user-${++userCounter}-${crypto.randomUUID().slice(0, 6)}`, isAdmin = false) {
  const user = await api("/v1/users", { method: "POST", body: { name, isAdmin } });
  if (user.status !== 201) throw new Error(`create user failed: ${JSON.stringify(user.json)}`);
  const token = await api(`/v1/users/${user.json.id}/tokens`, { method: "POST", body: { name: "test" } });
  if (token.status !== 201) throw new Error(`issue token failed: ${JSON.stringify(token.json)}`);
  return { id: user.json.id as number, name, token: token.json.token as string, tokenId: token.json.id as number };
}

export interface SeedPlayer {
  id: string;
  name: string;
  team: string;
  position: string;
  status?: string;
}

/** Raw SQL seeding of players and their current roster rows for a season. */
export async function seedPlayers(season: number, players: SeedPlayer[]) {
  const statements = players.flatMap((p) => [
    env.DB.prepare("INSERT INTO players (id, full_name, name_key) VALUES (?, ?, lower(?)) ON CONFLICT DO NOTHING").bind(p.id, p.name, p.name),
    env.DB.prepare(
      "INSERT INTO rosters (season, player_id, player_name, team, position, raw_position, status) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
    ).bind(season, p.id, p.name, p.team, p.position, p.position, p.status ?? "ACT"),
  ]);
  await env.DB.batch(statements);
}

export async function seedDefenseRosters(season: number, teams: string[]) {
  await env.DB.batch(
    teams.map((team) =>
      env.DB.prepare(
        "INSERT INTO rosters (season, player_id, player_name, team, position, raw_position, status) VALUES (?, ?, ?, ?, 'DEF', 'DEF', 'ACT') ON CONFLICT DO NOTHING",
      ).bind(season, `DEF-${team}`, `${team} Defense`, team),
    ),
  );
}

export async function seedGame(game: { id: string; season: number; week: number; home: string; away: string; kickoffAt: string; status?: string }) {
  await env.DB.prepare(
    "INSERT INTO games (id, season, week, game_type, kickoff_at, home_team, away_team, status) VALUES (?, ?, ?, 'REG', ?, ?, ?, ?)",
  )
    .bind(game.id, game.season, game.week, game.kickoffAt, game.home, game.away, game.status ?? "scheduled")
    .run();
}
