/**
 * Float text as Erlang/OTP 25 and Elixir 1.14 print it.
 *
 * Both start from the shortest decimal that reads back to the same double (Ryu in the VM,
 * `Number.prototype.toExponential()` here: ECMAScript specifies the same shortest-and-closest
 * digits). They differ in where they switch to scientific notation:
 *  - Erlang `float_to_list(F, [short])` (= `io_lib_format:fwrite_g/1`, used by `~p`) picks by the
 *    rules of erts `to_chars` (a modified MS STL `to_chars`): e.g. `100.0` but `1.0e3`.
 *  - Elixir's `Inspect.Float` prints whole numbers in 1.0 ≤ |f| < 1.0e16 as `<integer>.0`
 *    (`1000.0`) and defers to `fwrite_g` for everything else.
 */

/** Digits (no leading/trailing zeros beyond one digit) and the power of ten of the last digit. */
function shortestDigits(abs: number): { digits: string; exponent: number } {
  const text = abs.toExponential(); // e.g. "1.2345e+21", "5e-324"
  const e = text.indexOf('e');
  const mantissa = text.slice(0, e).replace('.', '');
  const scientific = Number(text.slice(e + 1));
  return { digits: mantissa, exponent: scientific - (mantissa.length - 1) };
}

const TWO_53 = 2 ** 53;

/** `float_to_list(F, [short])` / `io_lib_format:fwrite_g(F)` of OTP 25. */
export function erlangShortFloat(value: number): string {
  if (!Number.isFinite(value)) throw new RangeError(`not a finite float: ${value}`);
  const sign = value < 0 || Object.is(value, -0) ? '-' : '';
  const abs = Math.abs(value);
  if (abs === 0) return sign + '0.0';
  const { digits, exponent } = shortestDigits(abs);
  const length = digits.length;
  const scientificExponent = exponent + length - 1;

  let lower: number;
  let upper: number;
  if (length === 1) {
    lower = -4;
    upper = 2;
  } else if (scientificExponent >= 10) {
    lower = -(length + 2);
    upper = 2;
  } else {
    lower = -(length + 2);
    upper = 1;
  }

  let fixed = lower <= exponent && exponent <= upper;
  if (fixed) {
    // Whole numbers at or beyond 2^53 are printed in scientific form so that the text does not
    // suggest a precision the double does not have (erts special case).
    const mantissa = Number(digits);
    if (
      (exponent === 0 && mantissa >= TWO_53) ||
      (exponent === 1 && mantissa > Math.floor(2 ** 52 / 5)) ||
      (exponent === 2 && mantissa > Math.floor(2 ** 51 / 25))
    ) {
      fixed = false;
    }
  }

  if (fixed) {
    if (exponent >= 0) return sign + digits + '0'.repeat(exponent) + '.0';
    const whole = length + exponent;
    if (whole > 0) return sign + digits.slice(0, whole) + '.' + digits.slice(whole);
    return sign + '0.' + '0'.repeat(-whole) + digits;
  }
  const fraction = length === 1 ? '0' : digits.slice(1);
  return sign + digits[0] + '.' + fraction + 'e' + scientificExponent;
}

/** Elixir 1.14 `Inspect.Float`: `1000.0` for whole numbers below 1.0e16, else `fwrite_g`. */
export function elixirFloat(value: number): string {
  const abs = Math.abs(value);
  if (abs >= 1 && abs < 1e16 && Number.isInteger(value)) return BigInt(value).toString() + '.0';
  return erlangShortFloat(value);
}
