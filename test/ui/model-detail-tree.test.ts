import { describe, expect, it } from 'vitest';
import { decode } from '../../src/etf/decode.js';
import { Atom, ErlMap, Tuple, termEquals, type Term } from '../../src/etf/term.js';
import { DetailTree, rowText, type DetailRow } from '../../src/ui/model/detail-tree.js';
import { fixtureMessages, type FixtureMessage } from '../output/filter-fixture-messages.js';

const fixtures = fixtureMessages();

function fixture(adapter: string, file: string): FixtureMessage {
  return fixtures.find((f) => f.entry.adapter.endsWith(adapter) && f.entry.file === file)!;
}

function treeOf(f: FixtureMessage, options: ConstructorParameters<typeof DetailTree>[1] = {}): DetailTree {
  const c = f.message.classified;
  return new DetailTree(c.term!, { spans: c.spans, ...options });
}

function texts(tree: DetailTree): string[] {
  return tree.rows().map((r) => rowText(r));
}

function rowIndex(tree: DetailTree, pred: (r: DetailRow) => boolean): number {
  const i = tree.rows().findIndex(pred);
  expect(i).toBeGreaterThanOrEqual(0);
  return i;
}

describe('DetailTree', () => {
  const hello = fixture('3.1.0', '003-z0-broadcast-hello.etf');

  it('opens three levels at first: envelope, message, payload', () => {
    expect(texts(treeOf(hello))).toEqual([
      '▾ {…} (6)',
      '    3',
      '    :except',
      '    :"a@127.0.0.1"',
      '    "rooms:lobby"',
      '  ▾ %Phoenix.Socket.Broadcast{…}',
      '      event: "new:msg"',
      '    ▾ payload: %{…} (2)',
      '        "body" => "hello from u1"',
      '        "user" => "u1"',
      '      topic: "rooms:lobby"',
      '    Phoenix.PubSub',
    ]);
  });

  it('toggles the container under the cursor; a folded small container shows its contents inline', () => {
    const tree = treeOf(hello);
    const payload = rowIndex(tree, (r) => r.node.label === 'payload: ');
    tree.setCursor(payload);
    const v = tree.version;
    tree.toggle();
    expect(tree.version).toBeGreaterThan(v);
    expect(texts(tree)[payload]).toBe('    ▸ payload: %{"body" => "hello from u1", "user" => "u1"}');
    expect(tree.rows()).toHaveLength(10);
    expect(tree.cursor).toBe(payload);
    tree.toggle();
    expect(tree.rows()).toHaveLength(12);
    // Leaves do not toggle.
    tree.setCursor(1);
    const before = tree.version;
    tree.toggle();
    expect(tree.version).toBe(before);
  });

  it('folds all and unfolds all with z, keeping the cursor on the branch it was in', () => {
    const tree = treeOf(fixture('2.1.8', '002-fl-tracker-heartbeat-delta.etf'));
    const deep = rowIndex(tree, (r) => r.node.label === 'pids: ');
    tree.setCursor(deep);
    tree.toggleAll(); // something below the top is open → fold all
    expect(tree.rows().every((r) => r.depth <= 1)).toBe(true);
    expect(tree.selected.node.depth).toBe(1);
    expect(rowText(tree.selected)).toMatch(/^ {2}▸ \{/);
    tree.toggleAll(); // nothing open below the top → unfold all
    const all = tree.rows();
    expect(all.every((r) => !r.node.isContainer || r.node.open)).toBe(true);
    expect(texts(tree)).toContain('              phx_ref: "SQNB8lR1xh4="');
    expect(texts(tree)).toContain('        ▾ {:"a@127.0.0.1", 1795363434005848} => MapSet.new([…]) (1)');
  });

  it('steps with the arrows: right opens then enters, left closes then goes to the parent', () => {
    const tree = treeOf(hello);
    const payload = rowIndex(tree, (r) => r.node.label === 'payload: ');
    tree.setCursor(payload + 1); // "body" entry
    expect(tree.selected.node.path).toEqual([4, 1, 0]);
    expect(new Set(tree.rows().map((r) => r.node.id)).size).toBe(tree.rows().length);
    tree.collapse();
    expect(tree.cursor).toBe(payload);
    tree.collapse();
    expect(tree.selected.node.open).toBe(false);
    tree.expand();
    expect(tree.selected.node.open).toBe(true);
    tree.expand();
    expect(tree.cursor).toBe(payload + 1);
    tree.moveCursor(-1000);
    expect(tree.cursor).toBe(0);
    tree.moveCursor(1000);
    expect(tree.cursor).toBe(tree.rows().length - 1);
  });

  it('carries each node’s bytes: every span decodes to the node’s term, on every fixture', () => {
    let checked = 0;
    for (const f of fixtures) {
      const c = f.message.classified;
      const bytes = c.inflated ?? f.message.raw.payload;
      const tree = treeOf(f, { unfoldBudget: 5_000 });
      tree.unfoldAll();
      for (const row of tree.rows()) {
        if (row.more !== undefined) continue;
        const { node } = row;
        const own = node.termRange!;
        expect(own, `${f.entry.file} row ${rowText(row)}`).toBeDefined();
        const slice = bytes.subarray(own.start, own.end);
        const parentTag = node.parent?.termRange && bytes[node.parent.termRange.start];
        // STRING_EXT elements are single bytes without a tag of their own.
        const term: Term = parentTag === 107 ? slice[0]! : decode(Uint8Array.of(131, ...slice));
        expect(termEquals(term, node.term), `${f.entry.file} ${rowText(row)}`).toBe(true);
        // A map entry highlights its key too: it starts before the value and ends with it.
        expect(node.range!.end).toBe(own.end);
        if (node.label.endsWith(' => ') || node.label.endsWith(': ')) expect(node.range!.start).toBeLessThan(own.start);
        checked++;
      }
      tree.setCursor(0);
      expect(tree.selectedRange).toEqual({ start: c.inflated ? 0 : 1, end: bytes.length });
    }
    expect(checked).toBeGreaterThan(5_000);
  });

  it('lists a long container a page at a time', () => {
    const rows = fixture('3.1.0', '027-z0-large-1000-rows.etf');
    const tree = treeOf(rows, { childPage: 400, openDepth: 4 });
    const more = rowIndex(tree, (r) => r.more !== undefined);
    expect(rowText(tree.rows()[more]!)).toBe('          … 600 more');
    expect(tree.selectedRange).toBeDefined();
    tree.setCursor(more);
    expect(tree.selectedRange).toBeUndefined();
    tree.toggle();
    // The cursor stays put, on the first of the rows just listed.
    expect(tree.cursor).toBe(more);
    expect(rowText(tree.selected)).toBe('        ▸ %{"id" => 401, "name" => "row 401", "score" => 601.5}');
    expect(rowText(tree.rows()[more + 400]!)).toBe('          … 200 more');
    tree.setCursor(more + 400);
    tree.toggle();
    expect(tree.rows().filter((r) => r.more !== undefined)).toEqual([]);
    expect(tree.rows().filter((r) => r.depth === 4)).toHaveLength(1000);
  });

  it('cuts long binaries and says how long they are', () => {
    const large = fixture('3.1.0', '026-z0-large-100kb-string.etf');
    const body = treeOf(large, { maxBinaryLength: 32 })
      .rows()
      .find((r) => r.node.label === '"body" => ')!;
    const size = (body.node.term as Uint8Array).length;
    expect(size).toBeGreaterThan(100_000);
    expect(rowText(body)).toBe(`        "body" => "0123456789abcdef0123456789abcdef…" (${size} bytes)`);
  });

  it('summarises large map keys instead of rendering them whole', () => {
    const bigKey = new Tuple(Array.from({ length: 100 }, (_, i) => i));
    const tree = new DetailTree(ErlMap.fromPairs([[bigKey, Atom.of('ok')]]));
    expect(texts(tree)).toEqual(['▾ %{…} (1)', '    {…} (100) => :ok']);
  });

  it('stays shallow on a 100 000-deep term: only what is open is built', () => {
    let list: Term = [];
    let tuple: Term = Atom.of('bottom');
    let map: Term = ErlMap.fromPairs([]);
    for (let i = 0; i < 100_000; i++) {
      list = [list, i];
      tuple = new Tuple([tuple]);
      map = ErlMap.fromPairs([[Atom.of('k'), map]]);
    }
    for (const term of [list, tuple, map]) {
      const tree = new DetailTree(term, { unfoldBudget: 30_000 });
      expect(tree.rows().length).toBeLessThan(10);
      expect(tree.unfoldAll()).toBe(false);
      const rows = tree.rows();
      expect(rows.length).toBeGreaterThan(15_000);
      expect(rows.length).toBeLessThan(31_000);
      const deepest = rows.reduce((a, b) => (b.depth > a.depth ? b : a));
      tree.setCursor(rows.indexOf(deepest));
      expect(rowText(deepest, { maxIndent: 4 })).toMatch(new RegExp(`^ {8}·${deepest.depth}· ▸ `));
      tree.foldAll();
      expect(tree.rows().length).toBeLessThanOrEqual(3);
      expect(tree.selected.depth).toBe(1);
    }
  });
});
