/**
 * Colours for line output, by message kind (see `paletteFor` for when): a disabled palette returns
 * text unchanged.
 */
export type Role =
  | 'dim'
  | 'error'
  | 'broadcast'
  | 'presence_diff'
  | 'message'
  | 'reply'
  | 'tracker'
  | 'term'
  | 'msgpack'
  | 'json'
  | 'raw';

export interface Palette {
  enabled: boolean;
}

const codes: Record<Role, string> = {
  dim: '2',
  error: '31;1',
  broadcast: '32',
  presence_diff: '36',
  message: '34',
  reply: '34',
  tracker: '35',
  term: '33',
  msgpack: '33',
  json: '33',
  raw: '31',
};

export function paint(palette: Palette, role: Role, text: string): string {
  return palette.enabled ? paintOpen(palette, role) + text + paintClose(palette) : text;
}

/** What paint() writes before the text (for writers that put the text down in pieces). */
export function paintOpen(palette: Palette, role: Role): string {
  return palette.enabled ? `\u001b[${codes[role]}m` : '';
}

/** What paint() writes after the text. */
export function paintClose(palette: Palette): string {
  return palette.enabled ? '\u001b[0m' : '';
}

/**
 * `always`/`never` as asked; `auto` (the default): FORCE_COLOR (non-empty, not 0) turns colours on,
 * NO_COLOR (non-empty, https://no-color.org) off, else colours on a terminal only.
 */
export function paletteFor(
  stream: { isTTY?: boolean },
  env: NodeJS.ProcessEnv = process.env,
  choice: 'auto' | 'always' | 'never' = 'auto',
): Palette {
  if (choice !== 'auto') return { enabled: choice === 'always' };
  const force = env.FORCE_COLOR;
  if (force !== undefined && force !== '') return { enabled: force !== '0' && force !== 'false' };
  return { enabled: stream.isTTY === true && !env.NO_COLOR };
}
