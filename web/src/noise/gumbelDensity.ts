/** The standard Gumbel density exp(−(g + e^−g)), drawn over the histogram of the library's draws. */
export function gumbelDensity(g: number): number {
  return Math.exp(-(g + Math.exp(-g)));
}
