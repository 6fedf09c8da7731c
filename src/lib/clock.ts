/** The server's clock as ISO-8601 UTC with seconds (the format of games.kickoff_at). Tests move it with vi.setSystemTime. */
export function nowIso(date: Date = new Date()): string {
  return date.toISOString().replace(/\.\d{3}Z$/, "Z");
}
