/** 1 for the highest rating; equal ratings share a rank. */
export function ranksOf(ratings: ArrayLike<number>): Int32Array {
  const ranks = new Int32Array(ratings.length);
  for (let i = 0; i < ratings.length; i++) {
    let above = 0;
    for (let j = 0; j < ratings.length; j++) if (ratings[j] > ratings[i]) above++;
    ranks[i] = above + 1;
  }
  return ranks;
}
