/** The one text form instants take in this system (and the games.kickoff_at CHECK): 'YYYY-MM-DDTHH:MM:SSZ'. */
export function formatUtcIso(epochMs: number): string {
  return new Date(epochMs).toISOString().replace(/\.\d{3}Z$/, "Z");
}

// A zone is required: without one, Date.parse would read the text as local time.
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

/** An ISO-8601 instant with a zone ('2022-11-20T18:00Z', as ESPN writes them) in the form of formatUtcIso, or null. */
export function normalizeUtcIso(text: string): string | null {
  const trimmed = text.trim();
  if (!ISO_INSTANT.test(trimmed)) return null;
  const epochMs = Date.parse(trimmed);
  return Number.isNaN(epochMs) ? null : formatUtcIso(epochMs);
}
