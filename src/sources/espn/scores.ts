/** ESPN scores come as strings ("27"), sometimes as numbers; null when absent or not a whole number. */
export function parseEspnScore(score: string | number | null | undefined): number | null {
  if (score === null || score === undefined) return null;
  const text = String(score).trim();
  return /^\d+$/.test(text) ? Number(text) : null;
}
