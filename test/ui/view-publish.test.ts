/**
 * The publish form's model (`P`): prefilled from a received message, previewed by the same plan
 * builder `redis-print publish` uses, refusing what it refuses, and sending exactly the bytes shown.
 */
import { describe, expect, test } from 'vitest';
import { decode } from '../../src/etf/decode.js';
import { Atom, Tuple } from '../../src/etf/term.js';
import { classify } from '../../src/phoenix/classify.js';
import { MessageCompactor } from '../../src/ui/compact-message.js';
import { previewPublish, publishStart } from '../../src/ui/publish.js';
import { formFields, openPublishForm, publishFormKey } from '../../src/ui/widgets/publish-form.js';
import { fixtureMessages } from '../output/filter-fixture-messages.js';

const compactor = new MessageCompactor();
const fixtures = fixtureMessages();
function fixture(name: string) {
  return compactor.compact(fixtures.find((f) => f.entry.file.includes(name))!.message);
}

describe('publish form', () => {
  test('a v3 broadcast: fields prefilled; unchanged, the copy is the same message from a sender no node has', () => {
    const m = fixture('z0-broadcast-hello');
    const start = publishStart(m);
    if ('error' in start) throw new Error(start.error);
    const original = classify(m.raw.payload);
    expect(start.fields).toMatchObject({ channel: m.raw.channel, topic: original.topic, event: original.event });
    const preview = previewPublish(start.base, start.fields, { width: 100, hostname: 'box' });
    expect(preview.problems).toEqual([]);
    expect(preview.ok).toBe(true);
    expect(preview.headline).toMatch(/^v3 except redis-print@box → phx:.*, \d+ bytes$/);
    const sent = classify(preview.bytes);
    expect(sent.topic).toBe(original.topic);
    expect(sent.event).toBe(original.event);
    expect(sent.payload).toEqual(original.payload);
    expect(sent.envelope?.node).toBe('redis-print@box');
    expect(preview.elixir).toContain('%Phoenix.Socket.Broadcast{');
  });

  test('a 2.x (v1) message keeps its envelope shape; a bare term message has no event field', () => {
    const v1 = publishStart(fixture('fl-broadcast-hello'));
    if ('error' in v1) throw new Error(v1.error);
    const p1 = previewPublish(v1.base, v1.fields, { width: 100, hostname: 'box' });
    expect(p1.ok).toBe(true);
    expect(classify(p1.bytes).envelope?.shape).toBe('v1/fastlane');

    const bare = publishStart(fixture('z0-raw-tuple-message'));
    if ('error' in bare) throw new Error(bare.error);
    expect(bare.fields.event).toBeUndefined();
    const p2 = previewPublish(bare.base, bare.fields, { width: 100, hostname: 'box' });
    expect(p2.ok).toBe(true);
    const term = decode(p2.bytes) as Tuple;
    expect(term.elements[1]).toBe(Atom.of('except'));
  });

  test('refused: a payload that is not Elixir, a pid (which cannot be typed), a tracker message; nothing to send', () => {
    const start = publishStart(fixture('z0-broadcast-hello'));
    if ('error' in start) throw new Error(start.error);
    const broken = previewPublish(
      start.base,
      { ...start.fields, payload: '%{"a" => ' },
      { width: 100, hostname: 'box' },
    );
    expect(broken.ok).toBe(false);
    expect(broken.problems[0]).toMatch(/\d+:\d+/); // line:column of the syntax error
    expect(broken.bytes.length).toBe(0);

    const withPid = publishStart(fixture('z0-pid-ref'));
    if ('error' in withPid) throw new Error(withPid.error);
    expect(previewPublish(withPid.base, withPid.fields, { width: 100, hostname: 'box' }).ok).toBe(false);

    const noEnvelope = compactor.compact({
      seq: 1,
      raw: { receivedAt: 0, channel: 'phx:x', pattern: null, payload: new Uint8Array([131, 97, 1]) },
      classified: classify(new Uint8Array([131, 97, 1])),
    });
    expect(publishStart(noEnvelope)).toMatchObject({
      error: expect.stringContaining('not a Phoenix.PubSub adapter envelope'),
    });
  });

  test('the form: editing rebuilds the preview; Enter asks; only y sends; Esc closes', () => {
    const start = publishStart(fixture('z0-broadcast-hello'));
    if ('error' in start) throw new Error(start.error);
    const form = openPublishForm(start, 'box', 100);
    expect(form.fields.map((f) => f.name)).toEqual(['channel', 'topic', 'event', 'payload']);
    expect(form.fields[form.focused]!.name).toBe('payload');
    const before = form.preview.bytes;
    publishFormKey(form, { full: 'up' }, 100); // to the event field
    publishFormKey(form, { full: 'x', ch: 'x' }, 100);
    expect(formFields(form).event?.endsWith('x')).toBe(true);
    expect(form.preview.bytes).not.toEqual(before);
    expect(classify(form.preview.bytes).event).toBe(formFields(form).event);
    expect(publishFormKey(form, { full: 'enter' }, 100)).toBe('redraw');
    expect(form.stage).toBe('confirming');
    expect(publishFormKey(form, { full: 'return' }, 100)).toBe('ignored');
    expect(publishFormKey(form, { full: 'n', ch: 'n' }, 100)).toBe('redraw');
    expect(form.stage).toBe('editing');
    publishFormKey(form, { full: 'enter' }, 100);
    expect(publishFormKey(form, { full: 'y', ch: 'y' }, 100)).toBe('send');
    form.stage = 'editing';
    expect(publishFormKey(form, { full: 'escape' }, 100)).toBe('close');
  });
});
