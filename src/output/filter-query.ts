/**
 * The filter syntax typed in the live UI (k9s-style), parsed into the same FilterSpec as the CLI
 * flags:
 *
 *   topic:rooms:* event:new_msg -kind:tracker node:a@* "two words" hello
 *
 * - `field:value` tokens (fields: topic, event, node, kind, channel, text; names are
 *   case-insensitive). Several positive tokens of the same field OR together: `topic:a topic:b`.
 * - Bare words search the rendered payload; each must occur (AND), like a search box.
 * - `"…"` quotes a value or a bare phrase with spaces; inside quotes `\"` is a quote and `\\` a
 *   backslash, any other backslash is kept (so globs can still escape `\*`).
 * - `-` before a token negates it: `-kind:tracker`, `-"heartbeat"`. To search for text that
 *   starts with `-`, quote it.
 * - A bare word that looks like `name:…` with an unknown name is an error rather than silently a
 *   text search, because `rooms:lobby` almost always meant `topic:rooms:lobby`.
 *
 * Problems are returned, never thrown; the spec holds every token that parsed.
 */
import { FILTER_FIELDS, type FilterClause, type FilterField, type FilterProblem, type FilterSpec } from './filter.js';

export interface ParsedQuery {
  spec: FilterSpec;
  problems: FilterProblem[];
}

const FIELD_PREFIX = /[A-Za-z_]+:/y;

export function parseFilterQuery(query: string): ParsedQuery {
  const problems: FilterProblem[] = [];
  const clauses: FilterClause[] = [];
  const grouped = new Map<FilterField, FilterClause>();
  let i = 0;

  const isSpace = (ch: string | undefined): boolean => ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r';

  while (i < query.length) {
    while (isSpace(query[i])) i++;
    if (i >= query.length) break;
    const tokenStart = i;

    let negate = false;
    if (query[i] === '-') {
      negate = true;
      i++;
      if (i >= query.length || isSpace(query[i])) {
        problems.push({ message: '"-" with nothing after it to negate', offset: tokenStart });
        continue;
      }
    }

    let field: FilterField | undefined;
    let unknownField: string | undefined;
    FIELD_PREFIX.lastIndex = i;
    const prefix = FIELD_PREFIX.exec(query);
    if (prefix !== null) {
      const name = prefix[0].slice(0, -1).toLowerCase();
      if ((FILTER_FIELDS as readonly string[]).includes(name)) field = name as FilterField;
      else unknownField = prefix[0].slice(0, -1);
      i += prefix[0].length;
    }
    const valueStart = i;
    const word = readWord(query, i);
    i = word.end;

    if (word.unterminatedAt !== undefined) {
      problems.push({ message: 'unterminated quote', offset: word.unterminatedAt });
      continue;
    }
    if (unknownField !== undefined) {
      problems.push({
        message:
          `unknown field "${unknownField}:" (fields: ${FILTER_FIELDS.join(', ')}); ` +
          `write topic:${unknownField}:… or quote it to search text`,
        offset: tokenStart,
      });
      continue;
    }
    if (field !== undefined && word.value === '' && !word.quoted) {
      problems.push({ message: `empty value after ${field}:`, offset: tokenStart });
      continue;
    }
    // An empty quoted phrase would match everything: there is nothing to search for.
    if (field === undefined && word.value === '') continue;

    if (field === undefined || negate) {
      clauses.push({ field: field ?? 'text', values: [word.value], negate, offsets: [valueStart] });
      continue;
    }
    const group = grouped.get(field);
    if (group === undefined) {
      const clause: FilterClause = { field, values: [word.value], negate: false, offsets: [valueStart] };
      grouped.set(field, clause);
      clauses.push(clause);
    } else {
      group.values.push(word.value);
      group.offsets?.push(valueStart);
    }
  }
  return { spec: { clauses }, problems };
}

interface Word {
  value: string;
  quoted: boolean;
  end: number;
  unterminatedAt?: number;
}

/** Reads unquoted runs and quoted parts up to the next unquoted whitespace. */
function readWord(query: string, start: number): Word {
  let value = '';
  let quoted = false;
  let i = start;
  while (i < query.length) {
    const ch = query[i]!;
    if (ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r') break;
    if (ch !== '"') {
      value += ch;
      i++;
      continue;
    }
    quoted = true;
    const open = i++;
    let closed = false;
    while (i < query.length) {
      const c = query[i]!;
      if (c === '\\' && (query[i + 1] === '"' || query[i + 1] === '\\')) {
        value += query[i + 1];
        i += 2;
      } else if (c === '"') {
        i++;
        closed = true;
        break;
      } else {
        value += c;
        i++;
      }
    }
    if (!closed) return { value, quoted, end: i, unterminatedAt: open };
  }
  return { value, quoted, end: i };
}

/**
 * Writes a spec back in the query syntax, for showing the active filter (e.g. one given by CLI
 * flags). Parsing the result gives an equivalent filter.
 */
export function formatFilterSpec(spec: FilterSpec): string {
  const tokens: string[] = [];
  for (const clause of spec.clauses) {
    const sign = clause.negate ? '-' : '';
    const bare = clause.field === 'text' && clause.values.length === 1;
    for (const value of clause.values) {
      tokens.push(bare ? `${sign}${quoteBare(value)}` : `${sign}${clause.field}:${quoteValue(value)}`);
    }
  }
  return tokens.join(' ');
}

function quote(value: string): string {
  return `"${value.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

function quoteValue(value: string): string {
  return value === '' || /[\s"]/.test(value) ? quote(value) : value;
}

/** Bare words must also not start with `-` nor look like a `field:` token. */
function quoteBare(value: string): string {
  return value === '' || /[\s"]/.test(value) || value.startsWith('-') || /^[A-Za-z_]+:/.test(value)
    ? quote(value)
    : value;
}
