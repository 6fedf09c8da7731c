import { env } from "cloudflare:test";

/** The users chose to appear on the global leaderboard (a profile setting, off by default). */
export async function showOnGlobalBoard(users: readonly { id: number }[]): Promise<void> {
  await env.DB.batch(users.map((user) => env.DB.prepare("UPDATE users SET on_global_board = 1 WHERE id = ?").bind(user.id)));
}
