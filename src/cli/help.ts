/** `redis-print --help` and `redis-print CMD --help`, printed from the command definitions. */
import { COMMAND_DEFS } from './command-defs.js';
import type { CommandDef, FlagDef } from './flags.js';

const EXIT_CODES = [
  'Exit codes: 0 ok; 1 ran but found a problem (nothing matched, a file did not decode, refused to send);',
  '2 could not run (bad flags, unreachable Redis, unreadable file); 130 stopped by Ctrl-C, 143 by SIGTERM.',
  'A closed pipe (| head) ends any command quietly with the code it would have had.',
];

/** The overview: every command in one line, and where to look next. */
export function globalHelp(): string {
  const width = Math.max(...COMMAND_DEFS.map((d) => d.name.length));
  return [
    "redis-print — see what Phoenix.PubSub's Redis adapter sends between your nodes",
    '',
    'Usage: redis-print [COMMAND] [flags]    (no command: watch)',
    '',
    'Commands:',
    ...COMMAND_DEFS.map((d) => `  ${d.name.padEnd(width)}  ${d.summary}`),
    '',
    'redis-print COMMAND --help shows its flags and examples; redis-print --version the version.',
    'Environment: REDIS_URL, REDISCLI_AUTH, NO_COLOR, FORCE_COLOR.',
    '',
    ...EXIT_CODES,
    '',
  ].join('\n');
}

/** One command: synopsis, description, flags by group with their values, examples. */
export function commandHelp(def: CommandDef): string {
  const lines = [`redis-print ${def.name} — ${def.summary}`, '', 'Usage:'];
  for (const u of def.usage) lines.push(`  redis-print ${u}`);
  if (def.description) lines.push('', ...def.description);
  const groups = new Map<string, Array<[string, FlagDef]>>();
  for (const [name, flag] of Object.entries(def.flags)) {
    if (flag.hidden) continue;
    const group = flag.group ?? 'Options';
    groups.set(group, [...(groups.get(group) ?? []), [name, flag]]);
  }
  // "Options" (the command's own) first, then the shared groups in their definition order.
  const order = [...groups.keys()].sort((a, b) => Number(b === 'Options') - Number(a === 'Options'));
  const synopses = [...groups.values()].flat().map(([name, flag]) => flagSynopsis(name, flag).length);
  const width = Math.min(30, Math.max(...synopses));
  for (const group of order) {
    const rows = groups.get(group)!.map(([name, flag]) => [flagSynopsis(name, flag), flagText(flag)] as const);
    lines.push('', `${group}:`);
    for (const [synopsis, text] of rows) {
      lines.push(
        synopsis.length > width
          ? `  ${synopsis}\n  ${' '.repeat(width)}  ${text}`
          : `  ${synopsis.padEnd(width)}  ${text}`,
      );
    }
  }
  lines.push('', 'Examples:', ...def.examples.map((e) => `  ${e}`), '');
  return lines.join('\n');
}

function flagSynopsis(name: string, flag: FlagDef): string {
  const long = flag.negated ? `--no-${name}` : `--${name}`;
  const spelled = flag.short ? `-${flag.short}, ${long}` : `    ${long}`;
  if (flag.type === 'boolean' || flag.value === undefined) return spelled;
  if (flag.value.startsWith('[')) return `${spelled}${flag.value}`;
  const value = flag.choices && flag.choices.length <= 6 ? flag.choices.join('|') : flag.value;
  return `${spelled} ${value}`;
}

function flagText(flag: FlagDef): string {
  const repeat = flag.multiple && !flag.help.includes('repeatable') ? ' (repeatable)' : '';
  const values = flag.choices && flag.choices.length > 6 ? `; one of ${flag.choices.join(', ')}` : '';
  return `${flag.help}${values}${repeat}`;
}
