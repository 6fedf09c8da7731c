const GENERATIONAL_SUFFIXES = new Set(["jr", "sr", "ii", "iii", "iv", "v"]);

/**
 * The key two spellings of one player's name share: lower case, accents removed, periods, apostrophes
 * and commas dropped, hyphens and slashes as spaces, one generational suffix (Jr., Sr., II-V) dropped.
 * "Amon-Ra St. Brown" -> "amon ra st brown", "Kenneth Walker III" -> "kenneth walker".
 * Migration v12 carries an SQL twin of this function for legacy rows; keep the two in step.
 */
export function normalizePlayerName(name: string): string {
  const words = name
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[.',’`]/g, "")
    .replace(/[-/]/g, " ")
    .trim()
    .split(/\s+/)
    .filter(Boolean);
  if (words.length > 1 && GENERATIONAL_SUFFIXES.has(words[words.length - 1]!)) words.pop();
  return words.join(" ");
}
