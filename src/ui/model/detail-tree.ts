/**
 * The detail pane's model: a fold-able tree over one decoded term, flattened into rows with a
 * cursor. Enter/Space toggles the node under the cursor, `z` folds or unfolds everything, and
 * `selectedRange` gives the bytes of the node under the cursor to the hex pane.
 *
 * Nothing here recurses over the term: nodes are built only for opened containers, the rows are
 * flattened with an explicit stack, and "unfold all" stops at a row budget. A 100 000-deep term
 * is as cheap as the part of it that is open.
 */
import type { Term, TermSpan } from '../../etf/term.js';
import { termLine } from '../../output/term-text.js';
import { DetailNode, type NodeContext, type RenderTerm } from './detail-node.js';
import type { ByteRange } from './hex-dump.js';

export { DetailNode, type RenderTerm } from './detail-node.js';

export interface DetailRow {
  node: DetailNode;
  depth: number;
  /** Set on the "… N more" row that follows the listed children of `node`: how many are left. */
  more?: number;
}

export interface DetailTreeOptions {
  /** Byte ranges of `term` (classified.spans) for `selectedRange`. */
  spans?: TermSpan;
  /** One-line renderer (default: term-text's termLine, cutting binaries at `maxBinaryLength`). */
  renderTerm?: RenderTerm;
  /** Levels open at first: 3 shows envelope → message → payload → its fields. */
  openDepth?: number;
  /** Children listed per step in a long container (default 500). */
  childPage?: number;
  /** Bytes of a binary shown before it is cut (default 200), for the default renderer. */
  maxBinaryLength?: number;
  /** Folded containers with fewer nodes than this show their contents inline (default 24). */
  previewNodes?: number;
  /** `unfoldAll` stops opening containers once this many rows are listed (default 20 000). */
  unfoldBudget?: number;
}

export class DetailTree {
  readonly root: DetailNode;
  private readonly unfoldBudget: number;
  private rowsMemo: DetailRow[] | undefined;
  private cursorIndex = 0;
  private versionCount = 0;

  constructor(term: Term, options: DetailTreeOptions = {}) {
    let ids = 0;
    const maxBinaryLength = options.maxBinaryLength ?? 200;
    const ctx: NodeContext = {
      renderTerm: options.renderTerm ?? ((t) => termLine(t, maxBinaryLength)),
      childPage: Math.max(1, options.childPage ?? 500),
      previewNodes: options.previewNodes ?? 24,
      nextId: () => ids++,
    };
    this.unfoldBudget = options.unfoldBudget ?? 20_000;
    const span = options.spans;
    this.root = new DetailNode(ctx, term, undefined, 0, '', span && { start: span.start, end: span.end }, span);
    this.openToDepth(options.openDepth ?? 3);
  }

  /** Changes whenever the rows or the cursor change. */
  get version(): number {
    return this.versionCount;
  }

  get cursor(): number {
    return this.cursorIndex;
  }

  /** The visible rows, in order (cached until the next fold change). */
  rows(): readonly DetailRow[] {
    return (this.rowsMemo ??= flatten(this.root));
  }

  get selected(): DetailRow {
    return this.rows()[this.cursorIndex]!;
  }

  /** Bytes of the node under the cursor, when spans were given. */
  get selectedRange(): ByteRange | undefined {
    const row = this.selected;
    return row.more === undefined ? row.node.range : undefined;
  }

  setCursor(index: number): void {
    const next = Math.min(this.rows().length - 1, Math.max(0, index));
    if (next === this.cursorIndex) return;
    this.cursorIndex = next;
    this.versionCount++;
  }

  moveCursor(delta: number): void {
    this.setCursor(this.cursorIndex + delta);
  }

  /** Enter/Space: open or close the container under the cursor, or list more on a "… more" row. */
  toggle(): void {
    const row = this.selected;
    if (row.more !== undefined) {
      row.node.showMore();
    } else if (row.node.isContainer && row.node !== this.root) {
      row.node.open = !row.node.open;
    } else return;
    this.changed();
  }

  /** Right arrow: open a closed container, else step to its first child. */
  expand(): void {
    const node = this.selected.node;
    if (this.selected.more !== undefined || !node.isContainer) return;
    if (!node.open) {
      node.open = true;
      this.changed();
    } else this.moveCursor(1);
  }

  /** Left arrow: close an open container, else step to the parent's row. */
  collapse(): void {
    const row = this.selected;
    if (row.more === undefined && row.node.open && row.node !== this.root) {
      row.node.open = false;
      this.changed();
      return;
    }
    const parent = row.more === undefined ? row.node.parent : row.node;
    if (parent !== undefined) this.setCursor(this.rowOf(parent));
  }

  /** Closes everything below the root; the cursor goes to the top-level row that held it. */
  foldAll(): void {
    let keep = this.selected.node;
    while (keep.parent !== undefined && keep.parent !== this.root) keep = keep.parent;
    // Every built node, folded ones included, so that reopening one does not bring back old state.
    const stack: DetailNode[] = [...this.root.builtChildren];
    while (stack.length > 0) {
      const node = stack.pop()!;
      node.open = false;
      for (const child of node.builtChildren) stack.push(child);
    }
    this.changed();
    this.cursorIndex = this.rowOf(keep);
  }

  /**
   * Opens containers level by level until about `unfoldBudget` rows are listed; returns true
   * when everything is open (false: the budget stopped it, the deeper rest stays folded).
   */
  unfoldAll(): boolean {
    let rows = 1;
    let complete = true;
    let level: DetailNode[] = [this.root];
    while (level.length > 0) {
      const next: DetailNode[] = [];
      for (const node of level) {
        if (!node.isContainer) continue;
        if (!node.open) {
          if (rows >= this.unfoldBudget) {
            complete = false;
            continue;
          }
          node.open = true;
        }
        const children = node.children();
        rows += children.length + (node.shown < node.childCount ? 1 : 0);
        for (const child of children) next.push(child);
      }
      level = next;
    }
    this.changed();
    return complete;
  }

  /** `z`: fold all when anything below the top level is open, else unfold all. */
  toggleAll(): void {
    const anyOpen = this.rows().some((r) => r.depth >= 1 && r.more === undefined && r.node.open);
    if (anyOpen) this.foldAll();
    else this.unfoldAll();
  }

  private openToDepth(depth: number): void {
    this.root.open = true;
    const stack: DetailNode[] = [this.root];
    while (stack.length > 0) {
      const node = stack.pop()!;
      if (node.depth >= depth || !node.isContainer) continue;
      node.open = true;
      stack.push(...node.children());
    }
  }

  private rowOf(node: DetailNode): number {
    const index = this.rows().findIndex((r) => r.node === node && r.more === undefined);
    return index < 0 ? 0 : index;
  }

  private changed(): void {
    this.rowsMemo = undefined;
    this.cursorIndex = Math.min(this.cursorIndex, this.rows().length - 1);
    this.versionCount++;
  }
}

/** Pre-order rows of the open part of the tree, without recursion. */
function flatten(root: DetailNode): DetailRow[] {
  const rows: DetailRow[] = [];
  const stack: DetailRow[] = [{ node: root, depth: 0 }];
  while (stack.length > 0) {
    const row = stack.pop()!;
    rows.push(row);
    const node = row.node;
    if (row.more !== undefined || !node.open || !node.isContainer) continue;
    const children = node.children();
    const left = node.childCount - node.shown;
    if (left > 0) stack.push({ node, depth: row.depth + 1, more: left });
    for (let i = children.length - 1; i >= 0; i--) stack.push({ node: children[i]!, depth: row.depth + 1 });
  }
  return rows;
}

export interface RowTextOptions {
  /** Indent at most this many levels; deeper rows show their depth instead (default 32). */
  maxIndent?: number;
}

/** A row as text: indentation, `▸`/`▾` for containers, label, and the node's text. */
export function rowText(row: DetailRow, options: RowTextOptions = {}): string {
  const maxIndent = options.maxIndent ?? 32;
  const indent = '  '.repeat(Math.min(row.depth, maxIndent)) + (row.depth > maxIndent ? `·${row.depth}· ` : '');
  if (row.more !== undefined) return `${indent}  … ${row.more} more`;
  const node = row.node;
  const marker = node.isContainer ? (node.open ? '▾ ' : '▸ ') : '  ';
  return `${indent}${marker}${node.label}${node.text}`;
}
