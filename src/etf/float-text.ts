/**
 * FLOAT_EXT text: what C's `printf("%.20e", x)` writes — the form Erlang puts in the 31-byte field
 * for `{minor_version, 0}`. Computed from the exact binary value with BigInt and rounded half to
 * even like glibc, rather than trusting `toExponential`, which rounds ties away from zero, writes
 * `e+0` and drops the sign of −0.0.
 */
const SIGNIFICANT = 21; // %.20e: one digit before the point, twenty after

export function formatFloatExt(x: number): string {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const high = view.getUint32(0);
  const low = view.getUint32(4);
  const sign = high >>> 31 ? '-' : '';
  const biased = (high >>> 20) & 0x7ff;
  let mantissa = (BigInt(high & 0xfffff) << 32n) | BigInt(low);
  if (biased !== 0) mantissa |= 1n << 52n;
  if (mantissa === 0n) return `${sign}0.${'0'.repeat(SIGNIFICANT - 1)}e+00`;
  const exponent = (biased === 0 ? 1 : biased) - 1075; // value = mantissa × 2^exponent
  // Exact decimal: digits × 10^shift.
  let digits: string;
  let shift: number;
  if (exponent >= 0) {
    digits = (mantissa << BigInt(exponent)).toString();
    shift = 0;
  } else {
    digits = (mantissa * 5n ** BigInt(-exponent)).toString();
    shift = exponent;
  }
  let decimalExponent = digits.length - 1 + shift;
  let head: string;
  if (digits.length <= SIGNIFICANT) {
    head = digits.padEnd(SIGNIFICANT, '0');
  } else {
    head = digits.slice(0, SIGNIFICANT);
    const rest = digits.slice(SIGNIFICANT);
    const firstDropped = rest.charCodeAt(0) - 48;
    const tie = firstDropped === 5 && /^50*$/.test(rest);
    const roundUp =
      firstDropped > 5 || (firstDropped === 5 && !tie) || (tie && (head.charCodeAt(SIGNIFICANT - 1) - 48) % 2 === 1);
    if (roundUp) {
      head = (BigInt(head) + 1n).toString();
      if (head.length > SIGNIFICANT) {
        head = head.slice(0, SIGNIFICANT);
        decimalExponent++;
      }
    }
  }
  const e = Math.abs(decimalExponent).toString().padStart(2, '0');
  return `${sign}${head[0]}.${head.slice(1)}e${decimalExponent < 0 ? '-' : '+'}${e}`;
}
