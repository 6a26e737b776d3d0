/**
 * One node's Phoenix.Tracker shard for the demo, shaped like phoenix_pubsub 2.x's: tracking and
 * untracking bump the replica's clock, the changes since the last heartbeat form the delta
 * (`%Phoenix.Tracker.State{mode: :delta}`: added values under their dots, every dot touched in
 * `clouds`, the clock range it covers), sent on the next heartbeat; an `:empty` heartbeat every
 * tenth quiet period; a transfer_ack carries the whole state as a delta from clock 0.
 */
import { Atom, ErlMap, Pid, Ref, Tuple, atoms, type Term } from '../etf/term.js';

const k = (name: string): Atom => Atom.of(name);
const bin = (text: string): Uint8Array => Buffer.from(text, 'utf8');

interface Tracked {
  pid: Pid;
  topic: string;
  key: string;
  meta: ErlMap;
}

export class SimulatedTracker {
  clock = 0;
  private readonly live = new Map<number, Tracked>();
  private deltaValues = new Map<number, Tracked>();
  private deltaClouds = new Set<number>();
  private rangeStart = 0;
  private quietPeriods = 0;
  private nextPid = 200;
  private refSeq = 0;

  constructor(
    readonly name: Atom,
    readonly vsn: bigint,
  ) {}

  get ref(): Tuple {
    return new Tuple([this.name, this.vsn]);
  }

  keys(): Array<{ clock: number; topic: string; key: string }> {
    return [...this.live].map(([clock, t]) => ({ clock, topic: t.topic, key: t.key }));
  }

  /** Phoenix.Tracker.track/5; returns the meta as tracked (with its phx_ref). */
  track(topic: string, key: string, meta: Array<[string, Term]>, pid?: Pid): Tracked {
    this.clock++;
    const tracked: Tracked = {
      pid: pid ?? new Pid(this.name, this.nextPid++, 0, 1),
      topic,
      key,
      meta: ErlMap.fromPairs([
        ...meta.map(([name, v]): [Term, Term] => [k(name), v]),
        [k('phx_ref'), bin(this.phxRef())],
      ]),
    };
    this.live.set(this.clock, tracked);
    this.deltaValues.set(this.clock, tracked);
    this.deltaClouds.add(this.clock);
    return tracked;
  }

  /** Phoenix.Tracker.untrack/4 (or the tracked process exiting). */
  untrack(clock: number): Tracked | undefined {
    const tracked = this.live.get(clock);
    if (tracked === undefined) return undefined;
    this.live.delete(clock);
    this.deltaValues.delete(clock);
    this.deltaClouds.add(clock);
    this.clock++;
    this.deltaClouds.add(this.clock);
    return tracked;
  }

  /** Phoenix.Tracker.update/5: a leave and a join of the same process, new meta. */
  update(clock: number, meta: Array<[string, Term]>): Tracked | undefined {
    const old = this.untrack(clock);
    if (old === undefined) return undefined;
    const prev = old.meta.get(k('phx_ref'));
    return this.track(old.topic, old.key, prev === undefined ? meta : [...meta, ['phx_ref_prev', prev]], old.pid);
  }

  /** The heartbeat of one broadcast period: a delta when something changed, `:empty` every tenth quiet one, else nothing. */
  heartbeat(): Tuple | undefined {
    let delta: Term;
    if (this.deltaClouds.size > 0) {
      delta = this.state(this.deltaValues, this.deltaClouds, this.rangeStart);
      this.deltaValues = new Map();
      this.deltaClouds = new Set();
      this.rangeStart = this.clock;
      this.quietPeriods = 0;
    } else if (this.quietPeriods++ % 10 === 0) delta = k('empty');
    else return undefined;
    return new Tuple([k('pub'), k('heartbeat'), this.ref, delta, this.clocks()]);
  }

  /** `{:pub, :transfer_req, ref, replica_ref, clocks}` to a peer. */
  transferReq(): Tuple {
    return new Tuple([k('pub'), k('transfer_req'), this.makeRef(), this.ref, this.clocks()]);
  }

  /** The answer: every live value, as a delta reaching back to clock 0. */
  transferAck(request: Tuple): Tuple {
    const all = new Set<number>();
    for (let c = 1; c <= this.clock; c++) all.add(c);
    const state = this.state(this.live, all, 0);
    return new Tuple([k('pub'), k('transfer_ack'), request.elements[2]!, this.ref, state]);
  }

  clocks(): Tuple {
    return new Tuple([this.ref, new ErlMap([this.ref], [this.clock])]);
  }

  private state(values: Map<number, Tracked>, clouds: Set<number>, start: number): ErlMap {
    const ref = this.ref;
    const tags = [...clouds].sort((a, b) => a - b).map((c) => new Tuple([ref, c]));
    const cloud = ErlMap.fromPairs([
      [atoms.struct, k('Elixir.MapSet')],
      [
        k('map'),
        new ErlMap(
          tags,
          tags.map(() => []),
        ),
      ],
      [k('version'), 2],
    ]);
    const valueTags: Term[] = [];
    const entries: Term[] = [];
    for (const [clock, t] of [...values].sort((a, b) => a[0] - b[0])) {
      valueTags.push(new Tuple([ref, clock]));
      entries.push(new Tuple([t.pid, bin(t.topic), bin(t.key), t.meta]));
    }
    return ErlMap.fromPairs([
      [atoms.struct, k('Elixir.Phoenix.Tracker.State')],
      [k('clouds'), new ErlMap([ref], [cloud])],
      [k('context'), new ErlMap([], [])],
      [k('delta'), k('unset')],
      [k('mode'), k('delta')],
      [k('pids'), atoms.nil],
      [k('range'), new Tuple([new ErlMap([ref], [start]), new ErlMap([ref], [this.clock])])],
      [k('replica'), ref],
      [k('replicas'), new ErlMap([], [])],
      [k('values'), new ErlMap(valueTags, entries)],
    ]);
  }

  /** phx_ref: URL-safe Base64 of 12 bytes, as phoenix_pubsub 2.x makes it. */
  private phxRef(): string {
    const bytes = Buffer.alloc(12);
    bytes.writeBigUInt64BE(this.vsn * 1000n + BigInt(++this.refSeq));
    bytes.writeUInt32BE(this.refSeq, 8);
    return bytes.toString('base64url');
  }

  /** An Erlang reference made by this node (make_ref/0). */
  private makeRef(): Ref {
    return new Ref(this.name, 1, [++this.refSeq, 7, 11]);
  }
}
