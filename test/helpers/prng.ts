/** Seeded randomness for the property tests: the same seed gives the same steps, so a failure can be replayed. */
import { mulberry32 } from "../../scripts/lib/prng";

export function prng(seed: number) {
  const next = mulberry32(seed);
  const int = (n: number) => Math.floor(next() * n);
  const pickOne = <T>(items: readonly T[]): T => {
    if (items.length === 0) throw new Error("pickOne of nothing");
    return items[int(items.length)]!;
  };
  return { next, int, pickOne, chance: (p: number) => next() < p };
}
