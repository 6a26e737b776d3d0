// Mutation fuzzer for the codec and the whole per-message path of `watch` (`npm run fuzz`).
//
//   node bench/fuzz.mjs [--count N] [--seconds S] [--seed N] [--from I] [--max-ms MS] [--json] [--out DIR]
//   node bench/fuzz.mjs --replay FILE          one saved input through the path, with each stage's figures
//   (--save writes every input of the run to --out DIR or a temp dir, not only the findings)
//
// Every captured fixture (fixtures/phoenix/*/*.etf), plain and compressed, is mutated — bit flips,
// byte sets, truncations, insertions, deletions, length fields set to huge values, tags swapped,
// sub-terms spliced, nesting wrapped around a sub-term, repeated map keys, numbers at their edges,
// compressed-size lies, damaged zlib streams — and so are the fixtures' messages as JSON and as
// msgpack (other publishers on phx:*). Each mutant goes through, in stages:
//
//   decode   decodeDetailed on the fast path and on the span path (they must agree)
//   watch    classify + the line printer (cut to a width and whole) + the NDJSON printer
//   ui       classify with spans, as the terminal UI's pipeline runs it
//   render   renderElixir (pretty, one line), inspect, typed JSON both ways, plain JSON, re-encoding
//
// Every input must end in a value or a DecodeError. A finding is: any other exception; decode paths
// that disagree; output that breaks its contract (an NDJSON line that is not one JSON object, a
// printed line holding a newline or a control character, a re-encoding that decodes to another
// term); a decode/watch/ui stage slower than --max-ms (default 50; the fastest of five re-runs
// 100 ms apart counts (wall clock or this process's CPU time, the lower), so a GC pause or a busy
// machine alone is not a finding; 0 turns the check off); heap growth in a stage
// beyond HEAP_FACTOR × the input's size (inflated size for a compressed one) + HEAP_SLACK. Each
// finding is printed with its hex, seed and index and saved under a temp dir; exit 1 if any.
//
// Input i comes from its own random stream seeded by (seed, i): `--seed S --from I --count 1`
// makes input I of a run again.

import { mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { deflateSync } from 'node:zlib';

import {
  decodeDetailed,
  DecodeError,
  encode,
  EncodeError,
  renderElixir,
  inspect,
  toTypedJson,
  stringifyTypedJson,
  parseTypedJson,
  toPlainJson,
} from '../dist/etf/index.js';
import { stringifyJson } from '../dist/etf/render/json-text.js';
import { encode as encodeMsgpack } from '@msgpack/msgpack';
import { classify, DEFAULT_MAX_BIG_BYTES_SHOWN, DEFAULT_MAX_TERMS_SHOWN } from '../dist/phoenix/classify.js';
import { PHOENIX_STRUCTS } from '../dist/phoenix/structs.js';
import { formatLine } from '../dist/output/line-format.js';
import { toNdjsonLine } from '../dist/output/ndjson.js';

// ---- limits ------------------------------------------------------------------------------------

const STAGES = ['decode', 'watch', 'ui', 'render'];
/**
 * Heap growth allowed per stage for one input: this many bytes per (inflated) input byte… A term
 * node can take a single byte (NIL_EXT, a STRING_EXT element), and each node costs a few hundred
 * bytes (the term, its span, the Elixir document, the line and the NDJSON texts), mostly garbage:
 * the bound is linear in the input, which is what must hold; the factor is what was measured.
 */
const HEAP_FACTOR = { decode: 512, watch: 1024, ui: 512, render: 1024 };
/**
 * …plus this much for anything fixed. The render stage pretty-prints: a term nested 1000 deep
 * (the renderer's depth limit) is 1000 lines indented up to 2000 columns, megabytes from a few
 * kilobytes of input, whatever the renderer does.
 */
const HEAP_SLACK = { decode: 8 << 20, watch: 8 << 20, ui: 8 << 20, render: 32 << 20 };
/**
 * --max-ms bounds the per-message stages of watch. The render stage (pretty-printing, typed JSON
 * both ways, re-encoding: what `decode` and the UI's detail pane do once per request) is timed
 * and reported, not bounded.
 */
const MS_SCALE = { decode: 1, watch: 1, ui: 1, render: Infinity };

// ---- flags -------------------------------------------------------------------------------------

function parseFlags(argv) {
  const flags = {
    count: 1_000_000,
    seconds: Infinity,
    seed: 1,
    from: 0,
    maxMs: 50,
    json: false,
    out: undefined,
    replay: undefined,
    save: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) usage(`${arg} needs a value`);
      return v;
    };
    const number = () => {
      const n = Number(value());
      if (!Number.isFinite(n) || n < 0) usage(`${arg} needs a number ≥ 0`);
      return n;
    };
    if (arg === '--count') flags.count = Math.floor(number());
    else if (arg === '--seconds') flags.seconds = number();
    else if (arg === '--seed') flags.seed = Math.floor(number()) >>> 0;
    else if (arg === '--from') flags.from = Math.floor(number());
    else if (arg === '--max-ms') flags.maxMs = number();
    else if (arg === '--json') flags.json = true;
    else if (arg === '--out') flags.out = value();
    else if (arg === '--replay') flags.replay = value();
    else if (arg === '--save') flags.save = true;
    else if (arg === '--help' || arg === '-h') usage();
    else usage(`unknown flag ${arg}`);
  }
  return flags;
}

function usage(problem) {
  if (problem) console.error(`fuzz: ${problem}`);
  console.error(
    'usage: node bench/fuzz.mjs [--count N] [--seconds S] [--seed N] [--from I] [--max-ms MS] [--json] [--out DIR] [--save] | --replay FILE',
  );
  process.exit(2);
}

// ---- randomness --------------------------------------------------------------------------------

/** mulberry32: small, fast, and the same stream for the same seed on every machine. */
function rngFor(seed, index) {
  let a = (Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(index + 1, 0xc2b2ae35)) >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    int: (n) => Math.floor(next() * n),
    chance: (p) => next() < p,
    pick: (list) => list[Math.floor(next() * list.length)],
  };
}

// ---- the corpus --------------------------------------------------------------------------------

const TAGS = [
  70, 77, 82, 88, 89, 90, 97, 98, 99, 100, 101, 102, 103, 104, 105, 106, 107, 108, 109, 110, 111, 112, 113, 114, 115,
  116, 117, 118, 119, 120, 121,
];

/** Offset (after the tag) and width of the length/count field of each tag that has one. */
const LENGTH_FIELDS = {
  77: [[0, 4]], // BIT_BINARY_EXT Len
  90: [[0, 2]], // NEWER_REFERENCE_EXT id words
  100: [[0, 2]], // ATOM_EXT
  104: [[0, 1]], // SMALL_TUPLE_EXT
  105: [[0, 4]], // LARGE_TUPLE_EXT
  107: [[0, 2]], // STRING_EXT
  108: [[0, 4]], // LIST_EXT
  109: [[0, 4]], // BINARY_EXT
  110: [[0, 1]], // SMALL_BIG_EXT
  111: [[0, 4]], // LARGE_BIG_EXT
  112: [
    [0, 4],
    [25, 4],
  ], // NEW_FUN_EXT Size, NumFree
  114: [[0, 2]], // NEW_REFERENCE_EXT
  115: [[0, 1]], // SMALL_ATOM_EXT
  116: [[0, 4]], // MAP_EXT
  118: [[0, 2]], // ATOM_UTF8_EXT
  119: [[0, 1]], // SMALL_ATOM_UTF8_EXT
};

const HUGE = {
  1: [0xff, 0xfe, 0x80, 0x7f],
  2: [0xffff, 0xfffe, 0x8000, 0x7fff, 0x1000],
  4: [0xffffffff, 0xfffffffe, 0x80000000, 0x7fffffff, 0x10000000, 0x04000000, 0x00100000],
};

function allNodes(span, out = []) {
  // Iterative: fixture terms are shallow, but wrapped mutants need not be.
  const stack = [span];
  while (stack.length > 0) {
    const s = stack.pop();
    out.push(s);
    if (s.children) for (const c of s.children) stack.push(c);
  }
  return out;
}

function loadCorpus() {
  const root = new URL('../fixtures/phoenix/', import.meta.url);
  const bases = [];
  for (const dir of readdirSync(root).sort()) {
    for (const file of readdirSync(new URL(`${dir}/`, root)).sort()) {
      if (!file.endsWith('.etf')) continue;
      const original = new Uint8Array(readFileSync(new URL(`${dir}/${file}`, root)));
      const detailed = decodeDetailed(original, { spans: true });
      // The plain `Tag Data` body (the inflated bytes of a compressed fixture), with its nodes.
      const body = detailed.inflated ?? original.subarray(1);
      // Spans of a plain payload count from byte 0 of the payload: make them body offsets.
      const shift = detailed.inflated ? 0 : 1;
      const nodes = allNodes(detailed.spans).map((s) => ({ start: s.start - shift, end: s.end - shift }));
      bases.push({
        name: `${dir}/${file}`,
        original,
        body: Uint8Array.from(body),
        nodes,
        compressed: detailed.compressed,
      });
    }
  }
  return bases;
}

/**
 * Payloads that are not ETF, as other publishers on a phx:* pattern send them: each fixture's
 * message as JSON text and as msgpack (what classify falls back to, and what the printers show).
 */
function loadOtherCorpus(bases) {
  const other = [];
  for (const base of bases.filter((_, i) => i % 8 === 0)) {
    const plain = toPlainJson(decodeDetailed(withPlain(base.body)).term);
    const json = new TextEncoder().encode(stringifyJson(plain));
    other.push({ name: `${base.name} as JSON`, kind: 'json', bytes: json });
    other.push({ name: `${base.name} as msgpack`, kind: 'msgpack', bytes: encodeMsgpack(plain) });
  }
  return other;
}

/** A non-ETF payload damaged byte-wise, or nested deep inside JSON arrays / msgpack fixarrays. */
function mutateOther(base, rng) {
  const b = base.bytes;
  if (rng.chance(0.25)) {
    const depth = rng.pick([999, 1000, 1001, 10_000, 100_000]);
    if (base.kind === 'json') {
      const open = new TextEncoder().encode('['.repeat(depth));
      const close = new TextEncoder().encode(']'.repeat(depth));
      return ['nest', Uint8Array.from([...open, ...b, ...close])];
    }
    const wrapped = new Uint8Array(depth + b.length).fill(0x91);
    wrapped.set(b, depth);
    return ['nest', wrapped];
  }
  const out = Uint8Array.from(b);
  const n = b.length;
  switch (rng.int(4)) {
    case 0:
      for (let k = 1 + rng.int(4); k > 0; k--) out[rng.int(n)] ^= 1 << rng.int(8);
      return ['bitflip', out];
    case 1:
      for (let k = 1 + rng.int(3); k > 0; k--)
        out[rng.int(n)] = rng.pick([0, 0x7f, 0x80, 0xff, 0xc1, 0xdc, 0xdd, 0xde, 0xdf, 0x22, 0x5b, 0x7b, 131]);
      return ['byteset', out];
    case 2:
      return ['truncate', b.slice(0, rng.int(n))];
    default: {
      const at = rng.int(n + 1);
      return [
        'insert',
        splice(
          b,
          at,
          0,
          Uint8Array.from({ length: 1 + rng.int(8) }, () => rng.int(256)),
        ),
      ];
    }
  }
}

// ---- mutations ---------------------------------------------------------------------------------

const INTERESTING = [0, 1, 0x7f, 0x80, 0xff, 0xfe, 131, 80, ...TAGS];

function withPlain(body) {
  const out = new Uint8Array(body.length + 1);
  out[0] = 131;
  out.set(body, 1);
  return out;
}

function compress(body, rng) {
  const zipped = deflateSync(body, { level: 1 + rng.int(9) });
  const out = new Uint8Array(6 + zipped.length);
  out[0] = 131;
  out[1] = 80;
  new DataView(out.buffer).setUint32(2, body.length);
  out.set(zipped, 6);
  return out;
}

function splice(bytes, at, remove, insert) {
  const out = new Uint8Array(bytes.length - remove + insert.length);
  out.set(bytes.subarray(0, at), 0);
  out.set(insert, at);
  out.set(bytes.subarray(at + remove), at + insert.length);
  return out;
}

function writeUint(bytes, at, width, value) {
  for (let i = width - 1; i >= 0; i--) {
    if (at + i < bytes.length) bytes[at + i] = value & 0xff;
    value = Math.floor(value / 256);
  }
}

/** One mutation of a plain body; `nodes` are byte ranges of sub-terms (exact before the first mutation). */
function mutateBody(body, baseNodes, corpus, rng) {
  const n = body.length;
  if (n === 0) return ['insert', Uint8Array.of(rng.pick(TAGS), rng.int(256))];
  // After an earlier mutation the ranges are only hints: keep those still inside the bytes.
  let nodes = baseNodes.filter((s) => s.end <= n);
  if (nodes.length === 0) nodes = [{ start: 0, end: n }];
  const node = () => rng.pick(nodes);
  switch (rng.int(12)) {
    case 0: {
      // bit flips
      const out = Uint8Array.from(body);
      for (let k = 1 + rng.int(4); k > 0; k--) out[rng.int(n)] ^= 1 << rng.int(8);
      return ['bitflip', out];
    }
    case 1: {
      // byte sets
      const out = Uint8Array.from(body);
      for (let k = 1 + rng.int(3); k > 0; k--) out[rng.int(n)] = rng.chance(0.5) ? rng.pick(INTERESTING) : rng.int(256);
      return ['byteset', out];
    }
    case 2: {
      // truncation, often right at a sub-term boundary
      const s = node();
      const cut = rng.chance(0.5) ? (rng.chance(0.5) ? s.start : s.end - 1) : rng.int(n);
      return ['truncate', body.slice(0, Math.max(0, cut))];
    }
    case 3: {
      // insertion of random bytes, or of a tag
      const insert = rng.chance(0.5)
        ? Uint8Array.from({ length: 1 + rng.int(16) }, () => rng.int(256))
        : Uint8Array.of(rng.pick(TAGS));
      return ['insert', splice(body, rng.chance(0.5) ? node().start : rng.int(n + 1), 0, insert)];
    }
    case 4: {
      // deletion of a range
      const at = rng.int(n);
      return ['delete', splice(body, at, Math.min(n - at, 1 + rng.int(32)), new Uint8Array(0))];
    }
    case 5:
    case 6: {
      // a length field set to something huge (or just past the data)
      const candidates = nodes.filter((s) => LENGTH_FIELDS[body[s.start]] !== undefined);
      if (candidates.length === 0) return ['byteset', Uint8Array.from(body, (b, i) => (i === rng.int(n) ? 0xff : b))];
      const s = rng.pick(candidates);
      const [offset, width] = rng.pick(LENGTH_FIELDS[body[s.start]]);
      const out = Uint8Array.from(body);
      const current = out.subarray(s.start + 1 + offset, s.start + 1 + offset + width).reduce((x, b) => x * 256 + b, 0);
      const value = rng.chance(0.7) ? rng.pick(HUGE[width]) : current + 1 + rng.int(3);
      writeUint(out, s.start + 1 + offset, width, value);
      return ['huge-length', out];
    }
    case 7: {
      // a tag swapped for another (or for a byte that is no tag)
      const out = Uint8Array.from(body);
      out[node().start] = rng.chance(0.9) ? rng.pick(TAGS) : rng.int(256);
      return ['tag-swap', out];
    }
    case 8: {
      // a sub-term replaced by a sub-term of this or another fixture
      const source = rng.chance(0.5) ? { body, nodes } : rng.pick(corpus);
      const from = rng.pick(source.nodes);
      const to = node();
      return ['splice', splice(body, to.start, to.end - to.start, source.body.subarray(from.start, from.end))];
    }
    case 9: {
      // a sub-term wrapped in many containers: deep nesting around real content
      const s = node();
      const depth = rng.pick([10, 399, 400, 401, 1000, 1001, 5000, 9999, 10_000, 10_001, 30_000]);
      // a tuple, a list, a map value, or a map key (%{<inner> => 1, [] => 2}: each level's key
      // check sees everything below it)
      const kind = rng.int(4);
      const open = [
        [104, 1],
        [108, 0, 0, 0, 1],
        [116, 0, 0, 0, 1, 106],
        [116, 0, 0, 0, 2],
      ][kind];
      const close = [[], [106], [], [97, 1, 106, 97, 2]][kind];
      const inner = body.subarray(s.start, s.end);
      const wrapped = new Uint8Array(depth * (open.length + close.length) + inner.length);
      for (let i = 0; i < depth; i++) wrapped.set(open, i * open.length);
      wrapped.set(inner, depth * open.length);
      for (let i = 0; i < depth; i++) wrapped.set(close, depth * open.length + inner.length + i * close.length);
      return ['nest', splice(body, s.start, s.end - s.start, wrapped)];
    }
    case 10: {
      // a map whose second key repeats its first (binary_to_term refuses it)
      const maps = nodes.filter((s) => body[s.start] === 116 && s.end - s.start > 5);
      if (maps.length === 0) return ['truncate', body.slice(0, rng.int(n))];
      const m = rng.pick(maps);
      // Keys and values in order: the first key starts right after the 5-byte head.
      const inside = nodes.filter((s) => s.start >= m.start + 5 && s.end <= m.end);
      const direct = [];
      let at = m.start + 5;
      for (;;) {
        const next = inside.find((s) => s.start === at);
        if (!next) break;
        direct.push(next);
        at = next.end;
      }
      if (direct.length < 4) return ['tag-swap', Uint8Array.from(body, (b, i) => (i === m.start ? rng.pick(TAGS) : b))];
      const key0 = direct[0];
      const key1 = direct[2];
      return ['repeat-key', splice(body, key1.start, key1.end - key1.start, body.subarray(key0.start, key0.end))];
    }
    default: {
      // numbers at their edges: floats that are NaN/±Inf/-0.0, integers at the 32-bit edges
      const out = Uint8Array.from(body);
      const room = { 70: 9, 98: 5, 110: 3 };
      const numbers = nodes.filter((s) => room[body[s.start]] !== undefined && s.start + room[body[s.start]] <= n);
      if (numbers.length === 0) return ['bitflip', out.map((b, i) => (i === rng.int(n) ? b ^ 0x80 : b))];
      const s = rng.pick(numbers);
      if (body[s.start] === 70) {
        const edge = rng.pick([NaN, Infinity, -Infinity, -0, 5e-324, Number.MAX_VALUE]);
        new DataView(out.buffer).setFloat64(s.start + 1, edge);
        if (rng.chance(0.3)) writeUint(out, s.start + 1, 2, 0x7ff8 + rng.int(8)); // other NaN payloads
      } else if (body[s.start] === 98) {
        new DataView(out.buffer).setInt32(s.start + 1, rng.pick([-0x80000000, 0x7fffffff, -1, 0]));
      } else {
        out[s.start + 2] = rng.int(3); // sign byte: 0, 1 or other
      }
      return ['number-edge', out];
    }
  }
}

/** A mutant payload: what it is called and its bytes. */
function makeInput(corpus, other, rng) {
  if (rng.chance(0.05)) {
    const base = rng.pick(other);
    const [name, bytes] = mutateOther(base, rng);
    return { base: base.name, mutations: [`${base.kind}-${name}`], bytes };
  }
  const base = rng.pick(corpus);
  const mutations = [];
  let body = base.body;
  const rounds = rng.chance(0.75) ? 1 : 2 + rng.int(3);
  for (let r = 0; r < rounds; r++) {
    const [name, out] = mutateBody(body, base.nodes, corpus, rng);
    mutations.push(name);
    body = out;
  }
  // The wire form: plain, compressed honestly, or compressed with damage around the zlib stream.
  const form = base.compressed ? rng.int(6) : rng.int(10);
  if (form >= 3 || body.length === 0) return { base: base.name, mutations, bytes: withPlain(body) };
  let bytes = compress(body, rng);
  mutations.push('compressed');
  if (form === 1) {
    // the declared size lies
    const size = rng.pick([
      0,
      1,
      body.length - 1,
      body.length + 1,
      body.length * 2,
      64 * 1024 * 1024,
      64 * 1024 * 1024 + 1,
      0xffffffff,
      rng.int(0x7fffffff),
    ]);
    new DataView(bytes.buffer).setUint32(2, Math.max(0, size) >>> 0);
    mutations.push('size-lie');
  } else if (form === 2) {
    // the zlib stream itself damaged
    bytes = Uint8Array.from(bytes);
    const zip = bytes.length - 6;
    const kind = rng.int(3);
    if (kind === 0) for (let k = 1 + rng.int(3); k > 0; k--) bytes[6 + rng.int(zip)] ^= 1 << rng.int(8);
    else if (kind === 1) bytes = bytes.slice(0, 6 + rng.int(zip));
    else
      bytes = splice(
        bytes,
        6 + rng.int(zip + 1),
        0,
        Uint8Array.from({ length: 1 + rng.int(8) }, () => rng.int(256)),
      );
    mutations.push('zlib-damage');
  }
  return { base: base.name, mutations, bytes };
}

/** V8's used heap; ~40× cheaper than process.memoryUsage(), which also reads the RSS. */
function usedHeap() {
  return getHeapStatistics().used_heap_size;
}

// ---- the per-message path ----------------------------------------------------------------------

class Finding extends Error {}

function check(condition, what) {
  if (!condition) throw new Finding(what);
}

const PALETTE = { enabled: false };
const PAUSE = new Int32Array(new SharedArrayBuffer(4));
/** The limits classify decodes with for watch (integers it would print are kept short). */
const LIMITS = { maxBigBytes: DEFAULT_MAX_BIG_BYTES_SHOWN, maxTerms: DEFAULT_MAX_TERMS_SHOWN };

/**
 * Everything watch does with one payload, plus the codec's own contracts, in the stages above.
 * Fills `stats` with each stage's time (ms) and heap growth (bytes); returns 'ok' (a term),
 * 'decode-error' or 'not-etf'; throws on a finding.
 */
function runPath(bytes, seq, stats) {
  let heap = usedHeap();
  let clock = process.hrtime.bigint();
  let cpu = process.cpuUsage();
  const stage = (name) => {
    const nowHeap = usedHeap();
    const nowClock = process.hrtime.bigint();
    const nowCpu = process.cpuUsage();
    const cpuMs = (nowCpu.user - cpu.user + nowCpu.system - cpu.system) / 1000;
    stats[name] = { ms: Number(nowClock - clock) / 1e6, cpuMs, heap: nowHeap - heap };
    heap = nowHeap;
    clock = nowClock;
    cpu = nowCpu;
  };

  let fast;
  let fastError;
  try {
    fast = decodeDetailed(bytes, LIMITS);
  } catch (e) {
    if (!(e instanceof DecodeError)) throw e;
    fastError = e;
  }
  let precise;
  let preciseError;
  try {
    precise = decodeDetailed(bytes, { ...LIMITS, spans: true });
  } catch (e) {
    if (!(e instanceof DecodeError)) throw e;
    preciseError = e;
  }
  stage('decode');
  let outcome;
  if (bytes[0] !== 131) {
    check(fastError !== undefined, 'decoded without the 131 magic');
    outcome = 'not-etf';
  } else {
    outcome = fast ? 'ok' : 'decode-error';
  }
  // The precise (span) path must agree with the fast one, value for value and error for error.
  check(
    (fast === undefined) === (precise === undefined),
    `fast path ${fast ? 'accepts' : 'refuses'}, span path ${precise ? 'accepts' : 'refuses'}: ${(fastError ?? preciseError)?.message}`,
  );
  if (fastError)
    check(
      fastError.message === preciseError.message,
      `different errors: ${fastError.message} | ${preciseError.message}`,
    );

  // watch: classify, then the line and NDJSON printers.
  const raw = {
    receivedAt: 1_700_000_000_000,
    channel: 'phx:Elixir.Fuzz.PubSub.Adapter',
    pattern: 'phx:*',
    payload: bytes,
  };
  const classified = classify(bytes);
  const message = { seq, raw, classified };
  const lines = [formatLine(message, { palette: PALETTE }), formatLine(message, { palette: PALETTE, width: 120 })];
  const ndjson = toNdjsonLine(message);
  stage('watch');
  const withSpans = classify(bytes, { spans: true });
  stage('ui');

  for (const c of [classified, withSpans]) {
    if (outcome === 'ok') check(c.term !== undefined, `classify lost a term that decodes (${c.error?.message})`);
    if (outcome === 'decode-error' && c.error)
      check(
        c.error.message === fastError.message.replace(/\s*\n\s*/g, ' '),
        `classify swallowed another error: ${c.error.message}`,
      );
    check(c.kind === classified.kind, 'classify with and without spans disagree');
  }
  for (const line of lines)
    check(!/[\u0000-\u001f\u007f-\u009f]/.test(line), 'a printed line holds a control character');
  check(!ndjson.includes('\n'), 'an NDJSON line holds a newline');
  const record = JSON.parse(ndjson);
  check(record.seq === seq && record.kind === classified.kind, 'the NDJSON line does not say what was classified');

  if (fast) {
    const term = fast.term;
    const typed = stringifyTypedJson(term);
    check(stringifyTypedJson(precise.term) === typed, 'fast and span paths decode different terms');
    check(fast.trailing === precise.trailing, 'fast and span paths disagree on trailing bytes');
    // Typed JSON is lossless: it reads back to the same text.
    check(stringifyTypedJson(parseTypedJson(typed)) === typed, 'typed JSON does not read back');
    // The codec's own iterative JSON writer, as the product uses (JSON.stringify recurses).
    stringifyJson(toTypedJson(term));
    stringifyJson(toPlainJson(term));
    renderElixir(term, { structs: PHOENIX_STRUCTS });
    renderElixir(term, { pretty: false, structs: PHOENIX_STRUCTS, maxBinaryLength: 512 });
    inspect(term, { structs: PHOENIX_STRUCTS });
    // Whatever decodes re-encodes, and that decodes to the same term.
    let again;
    try {
      again = encode(term);
    } catch (e) {
      throw new Finding(`a decoded term does not encode: ${e instanceof EncodeError ? e.message : e}`);
    }
    // Erlang's encoder writes pids, ports and references in their newest formats, whatever they
    // came in as: the typed JSON's "format" marker is the only difference allowed.
    const sameButFormat = (text) => text.replace(/,"format":"(old|new|v4)"/g, '');
    check(
      sameButFormat(stringifyTypedJson(decodeDetailed(again, { maxDepth: Infinity }).term)) === sameButFormat(typed),
      're-encoded term decodes differently',
    );
  }
  stage('render');
  return outcome;
}

/** The input's size for the heap bound: its inflated size when it declares one we would honour. */
function inputSize(bytes) {
  let size = bytes.length;
  if (bytes.length >= 6 && bytes[0] === 131 && bytes[1] === 80) {
    const declared = new DataView(bytes.buffer, bytes.byteOffset).getUint32(2);
    if (declared <= 64 * 1024 * 1024) size = Math.max(size, declared);
  }
  return size;
}

// ---- the run -----------------------------------------------------------------------------------

function gcFunction() {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc');
}

/** Where inputs are saved: --out DIR (made if missing), else a fresh temp dir. */
function outDirectory(out) {
  if (out === undefined) return mkdtempSync(join(tmpdir(), 'redis-print-fuzz-'));
  mkdirSync(out, { recursive: true });
  return out;
}

function hex(bytes, limit = 512) {
  const text = Buffer.from(bytes.subarray(0, limit)).toString('hex');
  return bytes.length > limit ? `${text}…(+${bytes.length - limit} bytes)` : text;
}

function replay(file) {
  const bytes = new Uint8Array(readFileSync(file));
  console.log(`${file}: ${bytes.length} bytes, ${hex(bytes, 64)}`);
  // Five runs: the first pays for compiling the code; the fastest of each stage is what counts.
  const best = {};
  for (let run = 0; run < 5; run++) {
    const stats = {};
    try {
      const outcome = runPath(bytes, 1, stats);
      if (run === 0) console.log(`outcome: ${outcome}`);
    } catch (e) {
      console.log(`FINDING: ${e instanceof Finding ? e.message : (e?.stack ?? e)}`);
      process.exitCode = 1;
      return;
    }
    for (const name of STAGES) {
      if (best[name] === undefined || stats[name].ms < best[name].ms) best[name] = stats[name];
    }
  }
  for (const name of STAGES)
    console.log(
      `  ${name.padEnd(6)} ${best[name].ms.toFixed(1)} ms, heap growth ${(best[name].heap / 1048576).toFixed(1)} MiB`,
    );
}

async function main() {
  const flags = parseFlags(process.argv.slice(2));
  if (flags.replay) return replay(flags.replay);
  const gc = gcFunction();
  const corpus = loadCorpus();
  const other = loadOtherCorpus(corpus);
  const deadline = Date.now() + flags.seconds * 1000;
  const counts = { ok: 0, 'decode-error': 0, 'not-etf': 0 };
  const mutationCounts = {};
  const findings = [];
  let outDir;
  let peakHeap = 0;
  let inputs = 0;
  let inputBytes = 0;
  const log = (text) => {
    if (!flags.json) console.log(text);
  };
  log(
    `fuzz: ${corpus.length} fixtures and ${other.length} JSON/msgpack forms, seed ${flags.seed}, inputs ${flags.from}…${flags.from + flags.count - 1}${Number.isFinite(flags.seconds) ? `, at most ${flags.seconds} s` : ''}`,
  );

  const record = (index, input, kind, detail) => {
    outDir ??= outDirectory(flags.out);
    const file = join(outDir, `seed${flags.seed}-input${index}.etf`);
    writeFileSync(file, input.bytes);
    findings.push({ index, kind, detail, file, base: input.base, mutations: input.mutations });
    if (!flags.json) {
      console.log(
        `FINDING ${kind} at input ${index} (seed ${flags.seed}; ${input.base}; ${input.mutations.join('+')}): ${detail}`,
      );
      console.log(`  hex ${hex(input.bytes)}`);
      console.log(`  saved ${file}; again: node bench/fuzz.mjs --replay ${file}`);
    }
  };

  gc();
  const heapAtStart = usedHeap();
  const started = process.hrtime.bigint();
  let lastReport = Date.now();
  const stats = {};
  const worst = Object.fromEntries(
    STAGES.map((name) => [name, { ms: 0, msInput: -1, ratio: 0, ratioInput: -1, heap: 0 }]),
  );
  for (let index = flags.from; index < flags.from + flags.count; index++) {
    if ((index & 255) === 0) {
      if (Date.now() > deadline) break;
      // As in a watcher, where each socket read is its own turn of the event loop: atoms held
      // weakly and finalizers need turns to be let go.
      await new Promise((resolve) => setImmediate(resolve));
    }
    const rng = rngFor(flags.seed, index);
    const input = makeInput(corpus, other, rng);
    for (const m of input.mutations) mutationCounts[m] = (mutationCounts[m] ?? 0) + 1;
    if (flags.save) {
      outDir ??= outDirectory(flags.out);
      writeFileSync(join(outDir, `seed${flags.seed}-input${index}.etf`), input.bytes);
    }
    inputs++;
    inputBytes += input.bytes.length;
    let outcome;
    try {
      outcome = runPath(input.bytes, index + 1, stats);
    } catch (e) {
      record(
        index,
        input,
        e instanceof Finding ? 'contract' : 'exception',
        e instanceof Finding
          ? e.message
          : String(e?.stack ?? e)
              .split('\n')
              .slice(0, 4)
              .join(' | '),
      );
      continue;
    }
    counts[outcome]++;
    const heapNow = usedHeap();
    if (heapNow > peakHeap) peakHeap = heapNow;
    const size = inputSize(input.bytes);
    let slow = false;
    for (const name of STAGES) {
      const { ms, heap } = stats[name];
      const w = worst[name];
      if (ms > w.ms) Object.assign(w, { ms, msInput: index });
      if (heap > w.heap) w.heap = heap;
      if (heap / size > w.ratio && size >= 4096) Object.assign(w, { ratio: heap / size, ratioInput: index });
      // heapUsed only grows between collections, so growth over the budget is real allocation.
      if (heap > size * HEAP_FACTOR[name] + HEAP_SLACK[name]) {
        record(
          index,
          input,
          'memory',
          `${name}: heap grew ${(heap / 1048576).toFixed(1)} MiB for ${size} bytes (bound ${HEAP_FACTOR[name]} × size + ${HEAP_SLACK[name] / 1048576} MiB)`,
        );
      }
      if (flags.maxMs > 0 && ms > flags.maxMs * MS_SCALE[name]) slow = true;
    }
    if (slow) {
      // A GC pause, code compiled on first use or a busy machine is not the input's fault: five
      // re-runs, 100 ms apart, each timed by wall clock and by this process's CPU time (which
      // other processes on the machine do not inflate); the fastest of either counts.
      const best = Object.fromEntries(STAGES.map((name) => [name, stats[name].ms]));
      for (let k = 0; k < 5; k++) {
        Atomics.wait(PAUSE, 0, 0, 100);
        runPath(input.bytes, index + 1, stats);
        for (const name of STAGES) best[name] = Math.min(best[name], stats[name].ms, stats[name].cpuMs);
      }
      for (const name of STAGES) {
        if (best[name] > flags.maxMs * MS_SCALE[name])
          record(
            index,
            input,
            'slow',
            `${name}: ${best[name].toFixed(1)} ms (bound ${flags.maxMs * MS_SCALE[name]} ms)`,
          );
      }
    }
    if (!flags.json && Date.now() - lastReport > 10_000) {
      lastReport = Date.now();
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      log(`  ${inputs} inputs, ${Math.round(inputs / seconds)}/s, findings ${findings.length}`);
    }
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  // What the run left behind: collect, let finalizers (the weak atom table's) run, collect again.
  for (let k = 0; k < 3; k++) {
    gc();
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const heapAtEnd = usedHeap();
  const summary = {
    seed: flags.seed,
    inputs,
    seconds: Number(seconds.toFixed(1)),
    inputsPerSecond: Math.round(inputs / seconds),
    meanInputBytes: Math.round(inputBytes / Math.max(1, inputs)),
    outcomes: counts,
    mutations: mutationCounts,
    findings: findings.length,
    stages: Object.fromEntries(
      STAGES.map((name) => {
        const w = worst[name];
        return [
          name,
          {
            maxMs: Number(w.ms.toFixed(2)),
            slowestInput: w.msInput,
            maxHeapGrowthMiB: Number((w.heap / 1048576).toFixed(1)),
            maxHeapPerInputByte: Number(w.ratio.toFixed(1)),
            ratioInput: w.ratioInput,
          },
        ];
      }),
    ),
    peakHeapMiB: Number((peakHeap / 1048576).toFixed(1)),
    peakRssMiB: Number((process.resourceUsage().maxRSS / 1024).toFixed(1)),
    heapAfterGcMiB: {
      start: Number((heapAtStart / 1048576).toFixed(1)),
      end: Number((heapAtEnd / 1048576).toFixed(1)),
    },
    findingsDir: outDir ?? null,
    findingList: findings.slice(0, 50),
  };
  if (flags.json) {
    console.log(JSON.stringify(summary));
  } else {
    log(`inputs ${inputs} in ${summary.seconds} s (${summary.inputsPerSecond}/s, mean ${summary.meanInputBytes} B)`);
    log(
      `outcomes: value ${counts.ok}, DecodeError ${counts['decode-error']}, not ETF ${counts['not-etf']}; findings ${findings.length}`,
    );
    log(
      `mutations: ${Object.entries(mutationCounts)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')}`,
    );
    for (const [name, w] of Object.entries(summary.stages)) {
      log(
        `  ${name.padEnd(6)} max ${w.maxMs} ms (input ${w.slowestInput}); heap growth max ${w.maxHeapGrowthMiB} MiB, ${w.maxHeapPerInputByte} B per input byte (input ${w.ratioInput})`,
      );
    }
    log(
      `peak heap ${summary.peakHeapMiB} MiB, peak RSS ${summary.peakRssMiB} MiB; heap after GC ${summary.heapAfterGcMiB.start} → ${summary.heapAfterGcMiB.end} MiB`,
    );
    if (outDir) log(`findings saved in ${outDir}`);
  }
  if (findings.length > 0) process.exitCode = 1;
}

await main();
