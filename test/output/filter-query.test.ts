import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { FilterClause, FilterField, FilterSpec } from '../../src/output/filter.js';
import { formatFilterSpec, parseFilterQuery } from '../../src/output/filter-query.js';

/** Clauses without the offsets, for comparing meaning. */
function meaning(spec: FilterSpec): Array<Omit<FilterClause, 'offsets'>> {
  return spec.clauses.map(({ field, values, negate }) => ({ field, values, negate }));
}

describe('parseFilterQuery', () => {
  it('reads field:value tokens and bare words', () => {
    const { spec, problems } = parseFilterQuery('topic:rooms:* event:new:msg node:a@* kind:tracker some text');
    expect(problems).toEqual([]);
    expect(meaning(spec)).toEqual([
      { field: 'topic', values: ['rooms:*'], negate: false },
      { field: 'event', values: ['new:msg'], negate: false },
      { field: 'node', values: ['a@*'], negate: false },
      { field: 'kind', values: ['tracker'], negate: false },
      { field: 'text', values: ['some'], negate: false },
      { field: 'text', values: ['text'], negate: false },
    ]);
  });

  it('ORs repeated fields into one clause but keeps bare words apart (AND)', () => {
    const { spec } = parseFilterQuery('topic:a hello topic:b world TOPIC:c');
    expect(meaning(spec)).toEqual([
      { field: 'topic', values: ['a', 'b', 'c'], negate: false },
      { field: 'text', values: ['hello'], negate: false },
      { field: 'text', values: ['world'], negate: false },
    ]);
  });

  it('records where each value starts', () => {
    const { spec } = parseFilterQuery('  topic:a   -event:"x y"');
    expect(spec.clauses.map((c) => c.offsets)).toEqual([[8], [19]]);
  });

  it('takes quoted phrases and quoted values, with \\" and \\\\ escapes', () => {
    const { spec, problems } = parseFilterQuery('"two words" topic:"room 1" "say \\"hi\\"" "a\\\\b" "keep\\*"');
    expect(problems).toEqual([]);
    expect(meaning(spec)).toEqual([
      { field: 'text', values: ['two words'], negate: false },
      { field: 'topic', values: ['room 1'], negate: false },
      { field: 'text', values: ['say "hi"'], negate: false },
      { field: 'text', values: ['a\\b'], negate: false },
      { field: 'text', values: ['keep\\*'], negate: false },
    ]);
  });

  it('negates tokens with a leading -', () => {
    const { spec } = parseFilterQuery('-kind:tracker -heartbeat -"two words" kind:broadcast');
    expect(meaning(spec)).toEqual([
      { field: 'kind', values: ['tracker'], negate: true },
      { field: 'text', values: ['heartbeat'], negate: true },
      { field: 'text', values: ['two words'], negate: true },
      { field: 'kind', values: ['broadcast'], negate: false },
    ]);
  });

  it('treats a colon after a non-name as text: atoms and Elixir syntax stay searchable', () => {
    const { spec, problems } = parseFilterQuery(':ok "rooms:lobby" Elixir.Phoenix.PubSub');
    expect(problems).toEqual([]);
    expect(spec.clauses.map((c) => c.values[0])).toEqual([':ok', 'rooms:lobby', 'Elixir.Phoenix.PubSub']);
  });

  it('reports problems with offsets instead of throwing, keeping the good tokens', () => {
    const { spec, problems } = parseFilterQuery('rooms:lobby kind:tracker topic: - "open');
    expect(problems).toEqual([
      { message: expect.stringContaining('unknown field "rooms:"'), offset: 0 },
      { message: 'empty value after topic:', offset: 25 },
      { message: '"-" with nothing after it to negate', offset: 32 },
      { message: 'unterminated quote', offset: 34 },
    ]);
    expect(meaning(spec)).toEqual([{ field: 'kind', values: ['tracker'], negate: false }]);
  });

  it('suggests the topic field for a bare topic', () => {
    const { problems } = parseFilterQuery('users:42');
    expect(problems[0]!.message).toContain('topic:users:');
  });

  it('accepts an empty quoted value for a field but ignores an empty phrase', () => {
    const { spec, problems } = parseFilterQuery('event:"" ""');
    expect(problems).toEqual([]);
    expect(meaning(spec)).toEqual([{ field: 'event', values: [''], negate: false }]);
  });

  it('parses an empty or blank query to no clauses', () => {
    expect(parseFilterQuery('').spec.clauses).toEqual([]);
    expect(parseFilterQuery('   \t ').spec.clauses).toEqual([]);
  });
});

describe('formatFilterSpec', () => {
  it('writes a spec in the query syntax', () => {
    const spec: FilterSpec = {
      clauses: [
        { field: 'topic', values: ['rooms:*', 'users:*'], negate: false },
        { field: 'kind', values: ['tracker'], negate: true },
        { field: 'text', values: ['two words'], negate: false },
        { field: 'text', values: ['a', 'b'], negate: false },
        { field: 'text', values: ['-x'], negate: false },
      ],
    };
    expect(formatFilterSpec(spec)).toBe('topic:rooms:* topic:users:* -kind:tracker "two words" text:a text:b "-x"');
  });

  it('parses back to the same filter', () => {
    const fields: FilterField[] = ['topic', 'event', 'node', 'kind', 'channel', 'text'];
    const value = fc.string({ unit: fc.constantFrom('a', 'Z', ' ', '"', '\\', ':', '-', '*', 'é'), maxLength: 6 });
    // One clause per field at most: two positive clauses of one field would merge into one on parsing.
    const spec = fc
      .uniqueArray(
        fc.record({
          field: fc.constantFrom(...fields),
          values: fc.array(value, { minLength: 1, maxLength: 3 }),
          negate: fc.boolean(),
        }),
        { selector: (c) => c.field, maxLength: 6 },
      )
      // Negated multi-value clauses format as separate tokens: split them up front, same meaning.
      .map((clauses) => ({
        clauses: clauses.flatMap((c) =>
          c.negate ? c.values.map((v) => ({ field: c.field, values: [v], negate: true })) : [c],
        ),
      }))
      // An empty bare phrase means nothing; drop positive empty text so the comparison is fair.
      .map((s) => ({
        clauses: s.clauses.filter((c) => !(c.field === 'text' && c.values.length === 1 && c.values[0] === '')),
      }));
    fc.assert(
      fc.property(spec, (s) => {
        const parsed = parseFilterQuery(formatFilterSpec(s));
        expect(parsed.problems).toEqual([]);
        expect(meaning(parsed.spec)).toEqual(meaning(s));
      }),
      { numRuns: 1000 },
    );
  });
});
