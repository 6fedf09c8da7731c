/** Seeded randomness for the property tests: the same seed gives the same steps, so a failure can be replayed. */

/** mulberry32: small, fast, deterministic. */
export function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pickOne = <T>(items: readonly T[]): T => {
    if (items.length === 0) throw new Error("pickOne of nothing");
    return items[int(items.length)]!;
  };
  return { next, int, pickOne, chance: (p: number) => next() < p };
}
