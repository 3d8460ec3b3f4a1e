/**
 * The one seeded uniform generator of the project (mulberry32: 32-bit state, period 2^32, the same
 * sequence in every browser and in Node). Data generation, weight initialisation and the
 * projections each build their own draws (streams, normals) on top of it.
 */

/** Uniform 32-bit unsigned integers from `seed`. */
export function mulberry32U32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = Math.imul(state ^ (state >>> 15), state | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
}

/** Uniform floats in [0, 1) from `seed`. */
export function mulberry32(seed: number): () => number {
  const next = mulberry32U32(seed);
  return () => next() / 4294967296;
}
