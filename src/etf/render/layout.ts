/**
 * A small Wadler-style document for the Elixir and Erlang renderers: text, sequences and
 * bracketed containers. A container is printed on one line when it fits in the width left on the
 * line, otherwise broken: one item per line indented by two spaces (`strict`, Elixir's formatter
 * style for maps, keyword lists and structs), or packed as many per line as fit (`fill`, for
 * lists of small scalars and the bytes of a binary).
 *
 * The document is as deep as the term, and the renderers cap that depth, so recursion is bounded.
 */

export type Doc = string | Seq | Box;

export interface Seq {
  readonly kind: 'seq';
  readonly parts: readonly Doc[];
  readonly width: number;
}

export interface Box {
  readonly kind: 'box';
  readonly open: string;
  readonly close: string;
  readonly items: readonly Doc[];
  /** Improper list tail, written after the last item as ` | tail` (or `|tail`). */
  readonly tail: Doc | undefined;
  readonly fill: boolean;
  /** Separator between items on one line: `", "` (Elixir) or `","` (Erlang). */
  readonly separator: string;
  readonly tailSeparator: string;
  readonly width: number;
}

export function widthOf(doc: Doc): number {
  return typeof doc === 'string' ? doc.length : doc.width;
}

export function seq(...parts: Doc[]): Doc {
  let width = 0;
  for (const p of parts) width += widthOf(p);
  return { kind: 'seq', parts, width };
}

export interface BoxOptions {
  tail?: Doc | undefined;
  fill?: boolean;
  separator?: string;
  tailSeparator?: string;
}

export function box(open: string, items: readonly Doc[], close: string, options: BoxOptions = {}): Doc {
  const separator = options.separator ?? ', ';
  const tailSeparator = options.tailSeparator ?? ' | ';
  let width = open.length + close.length;
  for (const item of items) width += widthOf(item);
  if (items.length > 1) width += separator.length * (items.length - 1);
  if (options.tail !== undefined) width += tailSeparator.length + widthOf(options.tail);
  return {
    kind: 'box',
    open,
    close,
    items,
    tail: options.tail,
    fill: options.fill ?? false,
    separator,
    tailSeparator,
    width,
  };
}

/** Everything on one line. Iterative over siblings, recursive only into nested containers. */
export function renderFlat(doc: Doc): string {
  const out: string[] = [];
  flat(doc, out);
  return out.join('');
}

function flat(doc: Doc, out: string[]): void {
  if (typeof doc === 'string') {
    out.push(doc);
    return;
  }
  if (doc.kind === 'seq') {
    for (const p of doc.parts) flat(p, out);
    return;
  }
  out.push(doc.open);
  for (let i = 0; i < doc.items.length; i++) {
    if (i > 0) out.push(doc.separator);
    flat(doc.items[i]!, out);
  }
  if (doc.tail !== undefined) {
    out.push(doc.tailSeparator);
    flat(doc.tail, out);
  }
  out.push(doc.close);
}

/** Lays `doc` out in `width` columns; containers that do not fit are broken. */
export function renderPretty(doc: Doc, width: number): string {
  const printer = new Printer(width);
  printer.layout(doc, 0, 0);
  return printer.out.join('');
}

/**
 * The least a document puts on its first line: its whole width when it cannot break usefully
 * (text, an empty container, a packed container of one item), else up to its first break.
 */
function firstLineWidth(doc: Doc): number {
  if (typeof doc === 'string') return doc.length;
  if (doc.kind === 'seq') return gluedAfter(doc.parts, 0, 0);
  if (doc.items.length === 0) return doc.width;
  if (!doc.fill) return doc.open.length;
  if (doc.items.length === 1 && doc.tail === undefined)
    return doc.open.length + firstLineWidth(doc.items[0]!) + doc.close.length;
  return doc.open.length + firstLineWidth(doc.items[0]!);
}

/** Width that must follow `parts[from - 1]` on its line: the parts glued to it, up to a break. */
function gluedAfter(parts: readonly Doc[], from: number, trailing: number): number {
  let width = 0;
  for (let j = from; j < parts.length; j++) {
    const part = parts[j]!;
    const first = firstLineWidth(part);
    width += first;
    if (first < widthOf(part)) return width; // this part can break after its first line
  }
  return width + trailing;
}

class Printer {
  readonly out: string[] = [];
  private column = 0;

  constructor(private readonly width: number) {}

  private text(s: string): void {
    this.out.push(s);
    this.column += s.length;
  }

  private newline(indent: number): void {
    this.out.push('\n' + ' '.repeat(indent));
    this.column = indent;
  }

  /** `trailing`: characters that must follow on the same line (a `,` or a closing bracket). */
  layout(doc: Doc, indent: number, trailing: number): void {
    if (typeof doc === 'string') {
      this.text(doc);
      return;
    }
    if (this.column + doc.width + trailing <= this.width) {
      flat(doc, this.out);
      this.column += doc.width;
      return;
    }
    if (doc.kind === 'seq') {
      const parts = doc.parts;
      for (let i = 0; i < parts.length; i++) this.layout(parts[i]!, indent, gluedAfter(parts, i + 1, trailing));
      return;
    }
    if (doc.fill) this.fill(doc, indent, trailing);
    else this.strict(doc, indent);
  }

  private strict(doc: Box, indent: number): void {
    const inner = indent + 2;
    this.text(doc.open);
    const items = doc.items;
    const sep = doc.separator.trimEnd();
    for (let i = 0; i < items.length; i++) {
      this.newline(inner);
      const last = i === items.length - 1;
      if (last && doc.tail !== undefined) {
        this.layout(items[i]!, inner, doc.tailSeparator.length + widthOf(doc.tail));
        this.text(doc.tailSeparator);
        this.layout(doc.tail, inner, 0);
      } else {
        this.layout(items[i]!, inner, last ? 0 : sep.length);
        if (!last) this.text(sep);
      }
    }
    this.newline(indent);
    this.text(doc.close);
  }

  private fill(doc: Box, indent: number, trailing: number): void {
    const inner = indent + 2;
    const sep = doc.separator.trimEnd();
    const gap = doc.separator.length - sep.length;
    this.text(doc.open);
    const items = doc.items;
    const tailMark = doc.tailSeparator.trimEnd(); // " |" or "|": stays after the last item
    for (let i = 0; i < items.length; i++) {
      const last = i === items.length - 1;
      const itemWidth = widthOf(items[i]!);
      const after = !last ? sep.length : doc.tail !== undefined ? tailMark.length : trailing + doc.close.length;
      if (i > 0) {
        this.text(sep);
        if (this.column + gap + itemWidth + after <= this.width) this.text(' '.repeat(gap));
        else this.newline(inner);
      }
      this.layout(items[i]!, inner, after);
    }
    if (doc.tail !== undefined) {
      const closing = doc.close.length + trailing;
      if (this.column + doc.tailSeparator.length + widthOf(doc.tail) + closing <= this.width)
        this.text(doc.tailSeparator);
      else {
        this.text(tailMark);
        this.newline(inner);
      }
      this.layout(doc.tail, inner, closing);
    }
    this.text(doc.close);
  }
}
