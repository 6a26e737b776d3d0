/**
 * Message filters shared by the line/NDJSON printers and the live UI.
 *
 * A filter is a list of clauses, all of which must hold (AND). A clause names one field and one or
 * more values, any of which may match (OR), and may be negated:
 *
 *   field    matched against                                    values are
 *   topic    the inner message topic, or the envelope topic     globs, case-sensitive
 *   event    the Broadcast/Message/Reply event                  globs, case-sensitive
 *   node     any node the message names: the envelope node (v3
 *            node name, v1 short node ref), the v1 `from` pid's
 *            node, a Tracker replica's node                     globs, case-sensitive
 *   kind     the message kind, plus `error` for payloads that
 *            failed to decode                                   globs, case-insensitive
 *   channel  the Redis channel it arrived on                    globs, case-sensitive
 *   text     the rendered payload (see `SearchText`)            substrings, smart-case
 *
 * Smart-case (as in vim or ripgrep): a text value with no upper-case letter matches regardless of
 * case; one with an upper-case letter matches exactly.
 *
 * CLI flags (`--topic --event --node --kind --grep`, each repeatable) make one clause per field,
 * so repeats of one flag OR together and different flags AND. The UI query syntax is parsed by
 * filter-query.ts into the same spec.
 */
import type { MessageKind } from '../phoenix/classified.js';
import { compileGlob, type Glob } from './glob.js';
import { defaultSearchText } from './search-text.js';
import type { WatchedMessage } from './watched-message.js';

export type FilterField = 'topic' | 'event' | 'node' | 'kind' | 'channel' | 'text';

export const FILTER_FIELDS: readonly FilterField[] = ['topic', 'event', 'node', 'kind', 'channel', 'text'];

export interface FilterClause {
  field: FilterField;
  /** Any one matching is enough. Never empty. */
  values: string[];
  negate: boolean;
  /** Where each value starts in the query it was parsed from, for error messages. */
  offsets?: number[];
}

export interface FilterSpec {
  clauses: FilterClause[];
}

export interface FilterProblem {
  message: string;
  /** Offset in the UI query, when the problem comes from one. */
  offset?: number;
}

/** The text that `text` clauses search in; called at most once per message per `matches`. */
export type SearchText = (m: WatchedMessage) => string;

export interface MessageFilter {
  readonly spec: FilterSpec;
  /** No clauses: every message matches. */
  readonly empty: boolean;
  /** Some clause needs the rendered text (so `matches` may be costly). */
  readonly needsText: boolean;
  matches(m: WatchedMessage): boolean;
}

export interface CompileOptions {
  /** Defaults to `defaultSearchText` (compact Elixir rendering of the decoded message). */
  searchText?: SearchText;
}

/** Every kind a `kind:` value may name; `error` is the pseudo-kind of failed decodes. */
export const FILTER_KINDS: readonly string[] = [
  'broadcast',
  'message',
  'reply',
  'tracker',
  'presence_diff',
  'term',
  'msgpack',
  'json',
  'raw',
  'error',
] satisfies readonly (MessageKind | 'error')[];

export const EMPTY_SPEC: FilterSpec = { clauses: [] };

export interface FilterFlags {
  topic?: readonly string[] | undefined;
  event?: readonly string[] | undefined;
  node?: readonly string[] | undefined;
  kind?: readonly string[] | undefined;
  grep?: readonly string[] | undefined;
}

/**
 * One clause per given flag: repeats of a flag OR together, different flags AND. There is no
 * channel flag: the CLI's `--channel` is a SUBSCRIBE, and as a filter it hid every message that
 * arrived through a `--pattern`.
 */
export function specFromFlags(flags: FilterFlags): FilterSpec {
  const clauses: FilterClause[] = [];
  const add = (field: FilterField, values: readonly string[] | undefined): void => {
    if (values !== undefined && values.length > 0) clauses.push({ field, values: [...values], negate: false });
  };
  add('topic', flags.topic);
  add('event', flags.event);
  add('node', flags.node);
  add('kind', flags.kind);
  add('text', flags.grep);
  return { clauses };
}

type FieldTest = (m: WatchedMessage) => boolean;
type TextTest = (text: TextView) => boolean;

/** The rendered text, and its lower-case form, each computed on first use. */
class TextView {
  private textValue: string | undefined;
  private lowerValue: string | undefined;

  constructor(
    private readonly message: WatchedMessage,
    private readonly render: SearchText,
  ) {}

  get text(): string {
    return (this.textValue ??= this.render(this.message));
  }

  get lower(): string {
    return (this.lowerValue ??= this.text.toLowerCase());
  }
}

// Cheap fields are tested first so that most messages are rejected before any rendering.
const FIELD_COST: Record<FilterField, number> = { kind: 0, channel: 1, node: 2, topic: 3, event: 4, text: 9 };

/**
 * Compiles a spec. Values that cannot be compiled (a bad glob, an unknown kind) are reported in
 * `problems` and left out of `filter` (and of `filter.spec`). Leaving a value out can widen the
 * filter, so a caller with problems should refuse (CLI) or keep its previous filter (UI).
 */
export function compileFilter(
  spec: FilterSpec,
  options: CompileOptions = {},
): { filter: MessageFilter; problems: FilterProblem[] } {
  const problems: FilterProblem[] = [];
  const costed: Array<{ cost: number; test: FieldTest }> = [];
  const textTests: TextTest[] = [];
  const kept: FilterClause[] = [];

  for (const clause of spec.clauses) {
    if (clause.field === 'text') {
      const test = compileTextClause(clause);
      if (test !== undefined) {
        textTests.push(test);
        kept.push(clause);
      }
      continue;
    }
    const globs = compileValues(clause, problems);
    if (globs.length === 0) continue;
    const any = fieldMatcher(clause.field, globs);
    costed.push({ cost: FIELD_COST[clause.field], test: clause.negate ? (m) => !any(m) : any });
    kept.push(
      globs.length === clause.values.length
        ? clause
        : { field: clause.field, negate: clause.negate, values: globs.map((g) => g.source) },
    );
  }
  const fieldTests = costed.sort((a, b) => a.cost - b.cost).map((c) => c.test);

  const searchText = options.searchText ?? defaultSearchText;
  const filter: MessageFilter = {
    spec: { clauses: kept },
    empty: kept.length === 0,
    needsText: textTests.length > 0,
    matches(m: WatchedMessage): boolean {
      for (const test of fieldTests) if (!test(m)) return false;
      if (textTests.length === 0) return true;
      const view = new TextView(m, searchText);
      for (const test of textTests) if (!test(view)) return false;
      return true;
    },
  };
  return { filter, problems };
}

/** The filter that lets everything through. */
export const MATCH_ALL: MessageFilter = compileFilter(EMPTY_SPEC).filter;

function compileValues(clause: FilterClause, problems: FilterProblem[]): Glob[] {
  const globs: Glob[] = [];
  clause.values.forEach((value, i) => {
    const at = clause.offsets?.[i];
    const compiled = compileGlob(value, { ignoreCase: clause.field === 'kind' });
    if (!compiled.ok) {
      problems.push(problem(`${clause.field}:${value}: ${compiled.error.message}`, at));
      return;
    }
    if (clause.field === 'kind' && !FILTER_KINDS.some((k) => compiled.glob.test(k))) {
      problems.push(problem(`unknown kind "${value}" (kinds: ${FILTER_KINDS.join(', ')})`, at));
      return;
    }
    globs.push(compiled.glob);
  });
  return globs;
}

function problem(message: string, offset: number | undefined): FilterProblem {
  return offset === undefined ? { message } : { message, offset };
}

function fieldMatcher(field: Exclude<FilterField, 'text'>, globs: Glob[]): FieldTest {
  const anyGlob = (value: string | undefined): boolean => {
    if (value === undefined) return false;
    for (const g of globs) if (g.test(value)) return true;
    return false;
  };
  switch (field) {
    case 'topic':
      return ({ classified: c }) => anyGlob(c.topic) || (c.envelope?.topic !== c.topic && anyGlob(c.envelope?.topic));
    case 'event':
      return ({ classified: c }) => anyGlob(c.event);
    case 'node':
      return ({ classified: c }) =>
        anyGlob(c.envelope?.node) ||
        anyGlob(c.envelope?.fromNode) ||
        anyGlob(c.envelope?.nodeName) ||
        anyGlob(c.tracker?.replica);
    case 'kind':
      return ({ classified: c }) => anyGlob(c.kind) || (c.error !== undefined && anyGlob('error'));
    case 'channel':
      return ({ raw }) => anyGlob(raw.channel);
  }
}

function compileTextClause(clause: FilterClause): TextTest | undefined {
  const needles = clause.values.map((v) => {
    const exact = v !== v.toLowerCase();
    return { needle: exact ? v : v.toLowerCase(), exact };
  });
  if (needles.length === 0) return undefined;
  const any: TextTest = (view) => {
    for (const { needle, exact } of needles) {
      if ((exact ? view.text : view.lower).includes(needle)) return true;
    }
    return false;
  };
  return clause.negate ? (view) => !any(view) : any;
}
