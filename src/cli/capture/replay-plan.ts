/**
 * The first pass of a replay: read the whole capture before anything is sent, decide which
 * records go out (filters), where to (channel map), and whether any of them would crash a
 * receiving node (validateForPublish — captured corrupt payloads are exactly what crashes nodes).
 * Only a bit per record is kept, so a capture of any size is planned in constant memory.
 */
import { describeBadRecord, readCapture } from '../../capture/reader.js';
import type { TruncatedTail } from '../../capture/capture-parser.js';
import type { MessageFilter } from '../../output/filter.js';
import { classify } from '../../phoenix/classify.js';
import { receiversOf, type HeardTraffic } from '../../phoenix/receivers.js';
import { validateForPublish } from '../../phoenix/validate.js';
import type { ChannelMap } from './channel-map.js';
import { ReplaySchedule } from './replay-schedule.js';

/** Records with the same problems on the same channel, reported together. */
export interface ProblemGroup {
  /** The channel they would be published on (after --map-channel). */
  channel: string;
  problems: string[];
  /** 1-based record numbers (as `split` names files), the first `MAX_INDICES_LISTED` of them. */
  indices: number[];
  count: number;
}

const MAX_GROUPS_LISTED = 10;
const MAX_INDICES_LISTED = 20;

export interface ReplayPlan {
  /** Whole records in the file. */
  records: number;
  segments: number;
  /** `isSelected(i)` for record i (0-based): passes the filters. */
  isSelected(i: number): boolean;
  selectedCount: number;
  skippedByFilter: number;
  /** Selected records a receiver would crash on or drop, grouped (the first groups only). */
  problemGroups: ProblemGroup[];
  problemCount: number;
  /** Records that cannot be replayed at all (no valid time), described; never sent. */
  badRecords: string[];
  truncatedTail: TruncatedTail | null;
  /** Length of the replay timeline at speed 1 (recorded gaps, none between segments), in ms. */
  recordedSpanMs: number;
  /** The channels the selected records go to (after --map-channel), to listen on before sending. */
  targetChannels: string[];
}

export interface PlanOptions {
  filter: MessageFilter;
  channels: ChannelMap;
  /**
   * Traffic heard on the target channels: each record is judged against what that channel's
   * nodes speak (receivers.ts); a channel without it is judged by its name.
   */
  heard?: ReadonlyMap<string, HeardTraffic>;
}

export async function planReplay(path: string, options: PlanOptions): Promise<ReplayPlan> {
  const { filter, channels, heard } = options;
  const targets = new Set<string>();
  const selected = new GrowableBits();
  const groups = new Map<string, ProblemGroup>();
  let problemCount = 0;
  let records = 0;
  let selectedCount = 0;
  const badRecords: string[] = [];
  const timeline = new ReplaySchedule({ kind: 'scaled', factor: 1 }, 0);
  const reader = readCapture(path);
  for await (const batch of reader.batches()) {
    for (const entry of batch) {
      if (entry.kind === 'bad-record') {
        records++;
        selected.push(false);
        badRecords.push(describeBadRecord(path, entry));
        continue;
      }
      if (entry.kind !== 'record') continue;
      const raw = entry.message;
      timeline.next(raw.receivedAt, entry.segmentIndex);
      const index = records++;
      // Filters see the message as recorded (its own channel), like `decode FILE.capture` does.
      const wanted =
        filter.empty || filter.matches({ seq: index + 1, raw, classified: classify(raw.payload, {}, raw.channel) });
      selected.push(wanted);
      if (!wanted) continue;
      selectedCount++;
      const channel = channels.map(raw.channel);
      targets.add(channel);
      const verdict = validateForPublish(raw.payload, channel, {
        receivers: receiversOf(channel, heard?.get(channel)),
      });
      if (!verdict.ok) {
        problemCount++;
        noteProblem(groups, channel, verdict.problems, index + 1);
      }
    }
  }
  const summary = reader.summary!;
  return {
    records,
    segments: summary.segments.length,
    isSelected: (i) => selected.get(i),
    selectedCount,
    skippedByFilter: records - selectedCount - badRecords.length,
    badRecords,
    problemGroups: [...groups.values()],
    problemCount,
    truncatedTail: summary.truncatedTail,
    recordedSpanMs: timeline.recordedElapsedMs,
    targetChannels: [...targets],
  };
}

function noteProblem(groups: Map<string, ProblemGroup>, channel: string, problems: string[], index: number): void {
  const key = JSON.stringify([channel, problems]);
  let group = groups.get(key);
  if (group === undefined) {
    if (groups.size >= MAX_GROUPS_LISTED) return;
    group = { channel, problems, indices: [], count: 0 };
    groups.set(key, group);
  }
  group.count++;
  if (group.indices.length < MAX_INDICES_LISTED) group.indices.push(index);
}

/** One bit per record. */
class GrowableBits {
  private bytes = new Uint8Array(1024);
  private length = 0;

  push(value: boolean): void {
    const byte = this.length >>> 3;
    if (byte >= this.bytes.length) {
      const bigger = new Uint8Array(this.bytes.length * 2);
      bigger.set(this.bytes);
      this.bytes = bigger;
    }
    if (value) this.bytes[byte]! |= 1 << (this.length & 7);
    this.length++;
  }

  get(i: number): boolean {
    return i < this.length && (this.bytes[i >>> 3]! & (1 << (i & 7))) !== 0;
  }
}
