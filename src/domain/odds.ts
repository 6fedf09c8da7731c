/** Price conversions. A market's probability p in (0, 1) pays 1/p per unit staked (decimal odds). */

export function probabilityToDecimalOdds(probability: number): number {
  return 1 / probability;
}

/** American odds: +250 wins 250 per 100 staked, -150 must stake 150 to win 100. */
export function decimalToAmericanOdds(decimalOdds: number): number {
  return decimalOdds >= 2 ? Math.round((decimalOdds - 1) * 100) : Math.round(-100 / (decimalOdds - 1));
}

export function americanToDecimalOdds(americanOdds: number): number {
  return americanOdds > 0 ? 1 + americanOdds / 100 : 1 + 100 / -americanOdds;
}
