/**
 * Colours for line output, by message kind. Only used on a terminal and never when NO_COLOR is
 * set (https://no-color.org): a disabled palette returns text unchanged.
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
  return palette.enabled ? `\u001b[${codes[role]}m${text}\u001b[0m` : text;
}

/** Colours on a TTY only, and never with NO_COLOR set (to anything non-empty). */
export function paletteFor(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): Palette {
  return { enabled: stream.isTTY === true && !env.NO_COLOR };
}
