/**
 * Nodes of the detail pane's tree: one per term the user can see, built lazily — a container's
 * children exist only once it has been opened, so a 100 000-deep term costs what is on screen.
 *
 * A node knows its term, the label that introduces it in its parent (`topic: ` for a struct
 * field, `"body" => ` for a map key, `| ` for an improper tail), and the bytes it came from
 * (a map entry covers its key and value) for the hex pane.
 */
import { Atom, ErlMap, ImproperList, Tuple, type Term, type TermSpan } from '../../etf/term.js';
import { mapForm } from '../../output/term-text.js';
import type { ByteRange } from './hex-dump.js';

/**
 * Renders a term on one line (a leaf, a folded preview, a non-atom map key). It is expected to
 * cut long binaries itself (renderElixir's `maxBinaryLength`).
 */
export type RenderTerm = (term: Term) => string;

export interface NodeContext {
  renderTerm: RenderTerm;
  /** Children added per "show more" step of a long container. */
  childPage: number;
  /** A folded container this small (in nodes) shows its contents inline. */
  previewNodes: number;
  nextId(): number;
}

/** What kind of container a term is, or undefined for a leaf. */
type Shape =
  | { kind: 'tuple'; items: Term[] }
  | { kind: 'list'; items: Term[] }
  | { kind: 'improper'; items: Term[]; tail: Term }
  | { kind: 'map'; map: ErlMap; struct: string | undefined; structAt: number }
  /** A MapSet: the keys of its `map` field (the field's pair is at `mapAt`). */
  | { kind: 'set'; items: Term[]; mapAt: number };

export class DetailNode {
  readonly id: number;
  open = false;
  /** Children built so far (a prefix of all of them, `shown` long once opened). */
  private readonly built: DetailNode[] = [];
  private shownCount = 0;
  private readonly shape: Shape | undefined;
  private textMemo: string | undefined;

  constructor(
    private readonly ctx: NodeContext,
    readonly term: Term,
    readonly parent: DetailNode | undefined,
    readonly depth: number,
    /** Text before the term: a map key, a struct field name, `| ` for a list tail. */
    readonly label: string,
    /** Bytes of this node (for a map entry: from its key to the end of its value). */
    readonly range: ByteRange | undefined,
    /** Span of the term itself, whose children locate the children's bytes. */
    private readonly span: TermSpan | undefined,
  ) {
    this.id = ctx.nextId();
    this.shape = shapeOf(term);
  }

  /** Bytes of the term alone (for a map entry: its value, without the key). */
  get termRange(): ByteRange | undefined {
    return spanRange(this.span);
  }

  get isContainer(): boolean {
    return this.shape !== undefined;
  }

  /** Number of children the container has (0 for a leaf). */
  get childCount(): number {
    return this.shape === undefined ? 0 : countChildren(this.shape);
  }

  /** Children currently listed (after "show more" steps). */
  get shown(): number {
    return this.shownCount;
  }

  /**
   * Child indexes from the root, e.g. [4, 1, 0]. Computed by walking up rather than stored:
   * a stored path per node would make a deep chain cost quadratic memory.
   */
  get path(): number[] {
    const path: number[] = [];
    for (let n: DetailNode = this; n.parent !== undefined; n = n.parent) path.push(n.parent.built.indexOf(n));
    return path.reverse();
  }

  /** The children listed so far, building them on first use. */
  children(): readonly DetailNode[] {
    if (this.shape !== undefined && this.shownCount === 0 && this.childCount > 0) this.showMore();
    return this.built;
  }

  /** Children built so far, without building any (they may be hidden under a folded node). */
  get builtChildren(): readonly DetailNode[] {
    return this.built;
  }

  /** Lists the next page of children; returns how many were added. */
  showMore(): number {
    const target = Math.min(this.childCount, this.shownCount + this.ctx.childPage);
    const added = target - this.shownCount;
    for (let i = this.built.length; i < target; i++) this.built.push(this.makeChild(i));
    this.shownCount = target;
    return added;
  }

  /** The line's text after the label: the leaf, a preview of a small folded container, or a summary. */
  get text(): string {
    const s = this.shape;
    if (s === undefined) return (this.textMemo ??= this.ctx.renderTerm(this.term));
    if (this.open) return summary(s, this.childCount);
    return (this.textMemo ??= this.foldedText(s));
  }

  private foldedText(s: Shape): string {
    if (smallerThan(this.term, this.ctx.previewNodes)) return this.ctx.renderTerm(this.term);
    return summary(s, this.childCount);
  }

  private makeChild(i: number): DetailNode {
    const s = this.shape!;
    const spans = this.span?.children;
    const depth = this.depth + 1;
    if (s.kind === 'map') {
      // Skip the __struct__ pair: the struct name is already in the header.
      const pair = s.struct !== undefined && i >= s.structAt ? i + 1 : i;
      const key = s.map.keys[pair]!;
      const keySpan = spans?.[2 * pair];
      const valueSpan = spans?.[2 * pair + 1];
      const range = keySpan && valueSpan ? { start: keySpan.start, end: valueSpan.end } : undefined;
      return new DetailNode(this.ctx, s.map.values[pair]!, this, depth, this.keyLabel(key), range, valueSpan);
    }
    if (s.kind === 'set') {
      // The element is a key of the inner map, whose span lists keys and values in turn.
      const span = spans?.[2 * s.mapAt + 1]?.children?.[2 * i];
      return new DetailNode(this.ctx, s.items[i]!, this, depth, '', spanRange(span), span);
    }
    const isTail = s.kind === 'improper' && i === s.items.length;
    const term = isTail ? s.tail : s.items[i]!;
    const span = spans?.[i];
    return new DetailNode(this.ctx, term, this, depth, isTail ? '| ' : '', spanRange(span), span);
  }

  private keyLabel(key: Term): string {
    if (key instanceof Atom && PLAIN_KEY.test(key.name)) return `${key.name}: `;
    // A large key is summarised: rendering it whole could be as big as the map.
    const shape = shapeOf(key);
    const text =
      shape !== undefined && !smallerThan(key, this.ctx.previewNodes)
        ? summary(shape, countChildren(shape))
        : this.ctx.renderTerm(key);
    return `${text} => `;
  }
}

const STRUCT_KEY = Atom.of('__struct__');
const MAP_KEY = Atom.of('map');
const PLAIN_KEY = /^[a-z_][A-Za-z0-9_]*[?!]?$/;

function shapeOf(term: Term): Shape | undefined {
  if (term instanceof Tuple) return term.length === 0 ? undefined : { kind: 'tuple', items: term.elements };
  if (Array.isArray(term)) {
    return term.length === 0 || isCharlist(term) ? undefined : { kind: 'list', items: term };
  }
  if (term instanceof ImproperList) return { kind: 'improper', items: term.elements, tail: term.tail };
  if (term instanceof ErlMap) {
    // As the one rendering writes it (term-text.ts): `~U[…]` or `1..10//3` is a value, not
    // fields to open; a MapSet opens to its elements; `%Mod{…}` to its fields; a struct that
    // prints as a plain map shows its `__struct__` pair like any other.
    const form = mapForm(term);
    if (form === 'notation') return undefined;
    if (form === 'set') {
      const mapAt = term.keys.indexOf(MAP_KEY);
      const items = (term.values[mapAt] as ErlMap).keys;
      return items.length === 0 ? undefined : { kind: 'set', items, mapAt };
    }
    const struct = form === 'struct' ? term.structName() : undefined;
    const name = struct?.name.startsWith('Elixir.') ? struct.name.slice(7) : struct?.name;
    const fields = term.size - (struct === undefined ? 0 : 1);
    // An empty map or a struct with no fields has nothing to open.
    const structAt = struct === undefined ? -1 : term.keys.indexOf(STRUCT_KEY);
    return fields === 0 ? undefined : { kind: 'map', map: term, struct: name, structAt };
  }
  return undefined;
}

/** Lists Elixir would print as a charlist are leaves: their characters are not worth a line each. */
function isCharlist(list: Term[]): boolean {
  for (const c of list) {
    if (typeof c !== 'number' || !((c >= 32 && c <= 126) || (c >= 7 && c <= 13) || c === 27)) return false;
  }
  return true;
}

function countChildren(s: Shape): number {
  if (s.kind === 'map') return s.map.size - (s.struct === undefined ? 0 : 1);
  if (s.kind === 'set') return s.items.length;
  return s.items.length + (s.kind === 'improper' ? 1 : 0);
}

function summary(s: Shape, count: number): string {
  switch (s.kind) {
    case 'tuple':
      return `{…} (${count})`;
    case 'list':
      return `[…] (${count})`;
    case 'improper':
      return `[…|…] (${count - 1} + tail)`;
    case 'map':
      return s.struct === undefined ? `%{…} (${count})` : `%${s.struct}{…}`;
    case 'set':
      return `MapSet.new([…]) (${count})`;
  }
}

/** True when `term` has fewer than `limit` nodes; stops walking as soon as it knows. */
function smallerThan(term: Term, limit: number): boolean {
  const stack: Term[] = [term];
  let seen = 0;
  while (stack.length > 0) {
    if (++seen >= limit) return false;
    const t = stack.pop()!;
    if (t instanceof Tuple) {
      if (t.length >= limit) return false;
      stack.push(...t.elements);
    } else if (Array.isArray(t)) {
      if (t.length >= limit) return false;
      stack.push(...t);
    } else if (t instanceof ImproperList) {
      if (t.elements.length >= limit) return false;
      stack.push(...t.elements, t.tail);
    } else if (t instanceof ErlMap) {
      if (t.size * 2 >= limit) return false;
      stack.push(...t.keys, ...t.values);
    } else if (t instanceof Uint8Array && t.length > 64) return false;
  }
  return true;
}

function spanRange(span: TermSpan | undefined): ByteRange | undefined {
  return span === undefined ? undefined : { start: span.start, end: span.end };
}
