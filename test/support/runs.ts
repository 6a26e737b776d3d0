/**
 * How many cases a property test (or a repeated race) tries. The suite runs a quarter of each full
 * count (at least `least`, 100 by default), so `npm test` stays within minutes; `npm run test:full`
 * (REDIS_PRINT_FULL_RUNS=1) runs every test with its full count. Seeded properties try the first cases of the same sequence either way.
 */
export function runs(full: number, least = 100): number {
  if (process.env.REDIS_PRINT_FULL_RUNS === '1') return full;
  return Math.min(full, Math.max(least, Math.ceil(full / 4)));
}
