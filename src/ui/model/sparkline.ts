/** One-line bar charts from block characters, for the per-second rate history. */

const BARS = '▁▂▃▄▅▆▇█';

/**
 * One character per value, scaled to the largest (or to `max`). Zero is a space, so that silence
 * stays distinguishable from a trickle; any non-zero value gets at least the lowest bar.
 * With `width`, only the newest `width` values are drawn (left-padded with spaces).
 */
export function sparkline(values: readonly number[], options: { width?: number; max?: number } = {}): string {
  const shown = options.width === undefined ? values : values.slice(Math.max(0, values.length - options.width));
  const max = options.max ?? shown.reduce((m, v) => (v > m ? v : m), 0);
  let out = '';
  for (const v of shown) {
    if (!(v > 0) || !(max > 0)) {
      out += ' ';
      continue;
    }
    const level = Math.ceil((Math.min(v, max) / max) * BARS.length) - 1;
    out += BARS[Math.max(0, level)];
  }
  return options.width === undefined ? out : out.padStart(options.width, ' ');
}
