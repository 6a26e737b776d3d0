/**
 * Short, fixed-precision numbers for status lines and tables: three significant digits past the
 * first unit step, so columns do not jitter as values change.
 *
 *   formatCount(12345)        "12.3k"      (decimal steps: k, M, G, T)
 *   formatBytes(1536)         "1.50 KiB"   (binary steps: KiB, MiB, GiB, TiB — Redis sizes are binary)
 *   formatMsgRate(0.5)        "0.5 msg/s"
 *   formatByteRate(2_097_152) "2.00 MiB/s"
 */

const DECIMAL = ['', 'k', 'M', 'G', 'T'];
const BINARY = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];

/** `value` (≥ base) in the largest unit that keeps it ≥ 1, with three significant digits. */
function scaled(value: number, base: number, units: readonly string[], separator: string): string {
  let v = value;
  let u = 0;
  while (v >= base && u < units.length - 1) {
    v /= base;
    u++;
  }
  let text = threeDigits(v);
  // Rounding can reach the next unit (999.95k → "1000k"): step up once more.
  if (Number(text) >= base && u < units.length - 1) {
    v /= base;
    u++;
    text = threeDigits(v);
  }
  return `${text}${separator}${units[u]}`;
}

function threeDigits(v: number): string {
  return v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2);
}

function finiteOrZero(n: number): number {
  return Number.isFinite(n) && n > 0 ? n : 0;
}

/** A count of things: exact below 1000, then 3 significant digits with k/M/G/T. */
export function formatCount(n: number): string {
  const v = finiteOrZero(n);
  return Math.round(v) < 1000 ? String(Math.round(v)) : scaled(v, 1000, DECIMAL, '');
}

/** A per-second rate: one decimal below 10 (so a trickle is not "0"), then like formatCount. */
export function formatRate(n: number): string {
  const v = finiteOrZero(n);
  if (v === 0) return '0';
  if (v < 9.95) return v.toFixed(1);
  return formatCount(v);
}

export function formatMsgRate(n: number): string {
  return `${formatRate(n)} msg/s`;
}

/** A size in bytes: exact below 1 KiB, then 3 significant digits in binary units. */
export function formatBytes(n: number): string {
  const v = finiteOrZero(n);
  return Math.round(v) < 1024 ? `${Math.round(v)} B` : scaled(v, 1024, BINARY, ' ');
}

export function formatByteRate(n: number): string {
  return `${formatBytes(n)}/s`;
}
