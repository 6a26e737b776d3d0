import { ErlFloat, ErlMap, ExportFun, ImproperList, Tuple, type Term, type TermSpan } from './term.js';
import * as T from './tags.js';
import type { DecodeError } from './errors.js';
import { describeKey } from './describe-key.js';
import { readF64 } from './scalars.js';
import { binaryAt, SHARE_FROM_INPUT_LENGTH } from './binary-cache.js';
import { duplicateKeyIndex } from './map-keys.js';
import { FieldReader, NO_BYTES } from './reader-fields.js';

/**
 * The precise decoder: reads one `Tag Data` term from a byte array (after the 131 magic, or the
 * inflated bytes of a compressed payload), with spans on request, and is the one that explains
 * every DecodeError (offset, tag, path). decode.ts uses it for spans and whenever the recursive
 * fast path (fast-reader.ts) gives up.
 *
 * Iterative, with an explicit stack of container frames, so that a 100 000-deep term costs heap,
 * not call stack. One reader is reused for every decode (it holds no state between calls).
 *
 * Every length field is checked against the bytes left before anything is allocated: each element
 * of a list/tuple takes at least one byte and each map pair two, so no declared count can make us
 * allocate more than a few words per input byte.
 */

const TUPLE = 0;
const LIST = 1;
const MAP = 2;
const FUN = 3;

const NO_TERMS: Term[] = [];

class Frame {
  kind = TUPLE;
  /** Tuple/list elements, map keys, fun free variables. */
  items: Term[] = NO_TERMS;
  /** Map values. */
  values: Term[] = NO_TERMS;
  /** Slots to fill: elements, or 2 × pairs for a map (keys and values alternate on the wire). */
  count = 0;
  index = 0;
  /** List only: all elements are in, the next term read is the (improper) tail. */
  wantTail = false;
  /** The container object, created up front for tuples, maps and funs (their arrays fill in place). */
  result: Term | undefined;
  start = 0;
  spans: TermSpan[] | undefined;
}

export class TermReader extends FieldReader {
  private readonly stack: Frame[] = [];
  private sp = 0;
  private maxDepth = Infinity;
  /** Terms this read may still build (DecodeOptions.maxTerms). */
  private termsLeft = Infinity;
  private maxTerms = Infinity;
  private withSpans = false;
  /** Span of the last term returned by `read` (when spans were asked for). */
  span: TermSpan | undefined;

  /** Reads one term starting at `start`; returns it and leaves `position` just past it. */
  read(
    bytes: Uint8Array,
    start: number,
    maxDepth: number,
    spans: boolean,
    inInflated: boolean,
    maxTerms = Infinity,
    maxBigBytes = Infinity,
  ): Term {
    this.bytes = bytes;
    this.pos = start;
    this.end = bytes.length;
    this.sp = 0;
    this.maxDepth = maxDepth;
    this.maxTerms = this.termsLeft = maxTerms;
    this.maxBigBytes = maxBigBytes;
    this.inInflated = inInflated;
    this.withSpans = spans;
    this.span = undefined;
    let term: Term;
    try {
      term = this.readTerm();
    } catch (e) {
      this.release();
      throw e;
    }
    this.bytes = NO_BYTES; // don't keep the input alive (every frame has already let go of it)
    return term;
  }

  get position(): number {
    return this.pos;
  }

  private readTerm(): Term {
    const b = this.bytes;
    const spans = this.withSpans;
    let value: Term;
    let span: TermSpan | undefined;
    next: for (;;) {
      const at = this.pos;
      if (at >= this.end) throw this.fail('the input ends where a term should start', at, undefined);
      const tag = b[at]!;
      this.pos = at + 1;
      if (--this.termsLeft < 0) throw this.tooManyTerms(at, tag);
      switch (tag) {
        case T.SMALL_INTEGER_EXT:
          this.need(at, tag, 1);
          value = b[this.pos++]!;
          break;
        case T.INTEGER_EXT: {
          this.need(at, tag, 4);
          const p = this.pos;
          value = (b[p]! << 24) | (b[p + 1]! << 16) | (b[p + 2]! << 8) | b[p + 3]!;
          this.pos = p + 4;
          break;
        }
        case T.SMALL_ATOM_UTF8_EXT:
        case T.SMALL_ATOM_EXT: {
          this.need(at, tag, 1);
          const length = b[this.pos]!;
          this.pos++;
          value = this.atomText(at, tag, length, tag === T.SMALL_ATOM_UTF8_EXT);
          break;
        }
        case T.ATOM_UTF8_EXT:
        case T.ATOM_EXT: {
          this.need(at, tag, 2);
          const length = (b[this.pos]! << 8) | b[this.pos + 1]!;
          this.pos += 2;
          value = this.atomText(at, tag, length, tag === T.ATOM_UTF8_EXT);
          break;
        }
        case T.BINARY_EXT: {
          const length = this.length32(at, tag, 1);
          // A plain view (not Buffer#subarray, which costs several times more per call), or in a
          // large input a shared copy for a short binary that repeats.
          value =
            this.end >= SHARE_FROM_INPUT_LENGTH
              ? binaryAt(b, b.buffer, b.byteOffset, this.pos, length)
              : new Uint8Array(b.buffer, b.byteOffset + this.pos, length);
          this.pos += length;
          break;
        }
        case T.NIL_EXT:
          value = [];
          break;
        case T.STRING_EXT: {
          this.need(at, tag, 2);
          const length = (b[this.pos]! << 8) | b[this.pos + 1]!;
          this.pos += 2;
          this.needLength(at, tag, length, 1);
          this.spendTerms(at, tag, length);
          const chars = new Array<Term>(length);
          const p = this.pos;
          for (let i = 0; i < length; i++) chars[i] = b[p + i]!;
          this.pos = p + length;
          value = chars;
          break;
        }
        case T.SMALL_TUPLE_EXT:
        case T.LARGE_TUPLE_EXT: {
          let arity: number;
          if (tag === T.SMALL_TUPLE_EXT) {
            this.need(at, tag, 1);
            arity = b[this.pos++]!;
            this.needLength(at, tag, arity, 1);
          } else {
            arity = this.length32(at, tag, 1);
          }
          if (arity === 0) {
            value = new Tuple([]);
            break;
          }
          const f = this.push(at, tag, TUPLE, arity);
          f.items = new Array<Term>(arity);
          f.result = new Tuple(f.items);
          continue next;
        }
        case T.LIST_EXT: {
          const length = this.length32(at, tag, 1);
          const f = this.push(at, tag, LIST, length);
          f.items = new Array<Term>(length);
          if (length === 0 && this.listEnds(f)) {
            // An empty LIST_EXT ending in [] (never Erlang output, but valid): just [].
            this.sp--;
            value = f.items;
            f.items = NO_TERMS;
            f.spans = undefined;
            break;
          }
          continue next;
        }
        case T.MAP_EXT: {
          const pairs = this.length32(at, tag, 2);
          if (pairs === 0) {
            value = new ErlMap([], []);
            break;
          }
          const f = this.push(at, tag, MAP, pairs * 2);
          f.items = new Array<Term>(pairs);
          f.values = new Array<Term>(pairs);
          f.result = new ErlMap(f.items, f.values);
          continue next;
        }
        case T.NEW_FLOAT_EXT: {
          this.need(at, tag, 8);
          const x = readF64(b, this.pos);
          if (!Number.isFinite(x)) throw this.fail(`NEW_FLOAT_EXT holds ${x}, which is no Erlang float`, at, tag);
          this.pos += 8;
          value = new ErlFloat(x);
          break;
        }
        case T.SMALL_BIG_EXT: {
          this.need(at, tag, 2);
          const n = b[this.pos]!;
          this.pos++;
          value = this.bigDigits(at, tag, n);
          break;
        }
        case T.LARGE_BIG_EXT: {
          const n = this.length32(at, tag, 1);
          value = this.bigDigits(at, tag, n);
          break;
        }
        case T.BIT_BINARY_EXT:
          value = this.bitBinary(at, tag);
          break;
        case T.FLOAT_EXT:
          value = this.floatText(at, tag);
          break;
        case T.NEW_PID_EXT:
        case T.PID_EXT:
          value = this.pidBody(at, tag);
          break;
        case T.NEW_PORT_EXT:
        case T.PORT_EXT:
        case T.V4_PORT_EXT:
          value = this.portBody(at, tag);
          break;
        case T.NEWER_REFERENCE_EXT:
        case T.NEW_REFERENCE_EXT:
        case T.REFERENCE_EXT:
          value = this.refBody(at, tag);
          break;
        case T.EXPORT_EXT: {
          const module = this.atomField(at, tag, 'fun module');
          const name = this.atomField(at, tag, 'fun name');
          const arity = this.integerField(at, tag, 'fun arity');
          if (typeof arity !== 'number' || arity < 0) throw this.fail(`EXPORT_EXT arity ${arity}`, at, tag);
          value = new ExportFun(module, name, arity);
          break;
        }
        case T.NEW_FUN_EXT: {
          const fun = this.funHead(at, tag);
          if (fun.freeVars.length === 0) {
            value = fun;
            break;
          }
          const f = this.push(at, tag, FUN, fun.freeVars.length);
          f.items = fun.freeVars;
          f.result = fun;
          continue next;
        }
        case T.ATOM_CACHE_REF:
          throw this.fail(
            'not term_to_binary output (ATOM_CACHE_REF belongs to distribution traffic with an atom cache)',
            at,
            tag,
          );
        case T.FUN_EXT:
          throw this.fail('FUN_EXT (the pre-R8 fun format) is refused by binary_to_term since OTP 23', at, tag);
        case T.LOCAL_EXT:
          throw this.fail(
            'LOCAL_EXT (term_to_binary with [local]) can only be decoded by the node that wrote it',
            at,
            tag,
          );
        default:
          throw this.fail(`unknown tag ${tag}`, at, tag);
      }

      if (spans) span = tag === T.STRING_EXT ? stringSpan(at, this.pos) : { start: at, end: this.pos };
      // Hand the finished value to its container; containers that fill up finish in turn.
      while (this.sp > 0) {
        const f = this.stack[this.sp - 1]!;
        if (spans) f.spans!.push(span!);
        if (f.kind === MAP) {
          const i = f.index++;
          if ((i & 1) === 0) f.items[i >> 1] = value;
          else f.values[i >> 1] = value;
          if (f.index < f.count) continue next;
          if (f.count > 2) this.checkKeys(f);
          value = f.result!;
        } else if (f.kind === LIST) {
          if (f.wantTail) {
            // A LIST_EXT of 0 elements with a non-list tail is just that tail.
            value = f.index === 0 ? value : new ImproperList(f.items, value);
          } else {
            f.items[f.index++] = value;
            if (f.index < f.count || !this.listEnds(f)) continue next;
            value = f.items;
          }
        } else {
          f.items[f.index++] = value;
          if (f.index < f.count) continue next;
          value = f.result!;
        }
        this.sp--;
        if (spans)
          span =
            f.spans!.length > 0
              ? { start: f.start, end: this.pos, children: f.spans! }
              : { start: f.start, end: this.pos };
        f.items = f.values = NO_TERMS;
        f.result = undefined;
        f.spans = undefined;
      }
      this.span = span;
      return value;
    }
  }

  /**
   * Called when a list has all its declared elements. Erlang lists are cons cells, so a tail that
   * is itself a list (LIST_EXT, STRING_EXT, []) continues the same list: `[1 | [2]]` is `[1, 2]`.
   * Those are merged in place (no recursion, no copying). Returns true when the list is proper and
   * complete; false when more elements or a non-list tail must be read.
   */
  private listEnds(f: Frame): boolean {
    const b = this.bytes;
    for (;;) {
      const at = this.pos;
      if (at >= this.end) {
        f.wantTail = true;
        throw this.fail('the input ends where a list tail should start', at, undefined);
      }
      const tag = b[at]!;
      if (tag === T.NIL_EXT) {
        this.pos = at + 1;
        return true;
      }
      if (tag === T.LIST_EXT) {
        this.pos = at + 1;
        const more = this.length32(at, tag, 1);
        if (more > 0) {
          f.count += more;
          return false;
        }
        continue;
      }
      if (tag === T.STRING_EXT) {
        this.pos = at + 1;
        this.need(at, tag, 2);
        const length = (b[this.pos]! << 8) | b[this.pos + 1]!;
        this.pos += 2;
        this.needLength(at, tag, length, 1);
        this.spendTerms(at, tag, length);
        const p = this.pos;
        const items = f.items;
        for (let i = 0; i < length; i++) {
          items.push(b[p + i]!);
          if (f.spans !== undefined) f.spans.push({ start: p + i, end: p + i + 1 });
        }
        f.index += length;
        f.count += length;
        this.pos = p + length;
        return true;
      }
      f.wantTail = true;
      return false;
    }
  }

  /** The elements of a STRING_EXT are terms too (a 64 KiB string is 65 535 list elements). */
  private spendTerms(at: number, tag: number, n: number): void {
    this.termsLeft -= n;
    if (this.termsLeft < 0) throw this.tooManyTerms(at, tag);
  }

  private tooManyTerms(at: number, tag: number): DecodeError {
    return this.fail(`more than maxTerms ${this.maxTerms} terms (raise the maxTerms option to allow it)`, at, tag);
  }

  /** binary_to_term refuses a map with a repeated key; so do we (the error points at the map). */
  private checkKeys(f: Frame): void {
    const dup = duplicateKeyIndex(f.items);
    if (dup < 0) return;
    this.sp--; // the path leads to the map, not into it
    throw this.fail(
      `MAP_EXT has the key ${describeKey(f.items[dup]!)} twice (binary_to_term refuses that)`,
      f.start,
      T.MAP_EXT,
    );
  }

  private push(at: number, tag: number, kind: number, count: number): Frame {
    if (this.sp >= this.maxDepth) {
      throw this.fail(`nesting deeper than maxDepth ${this.maxDepth} (raise the maxDepth option to allow it)`, at, tag);
    }
    // Every element is a term to come: refuse before allocating arrays for more than may be built.
    if (count > this.termsLeft) throw this.tooManyTerms(at, tag);
    let f = this.stack[this.sp];
    if (f === undefined) {
      f = new Frame();
      this.stack.push(f);
    }
    this.sp++;
    f.kind = kind;
    f.count = count;
    f.index = 0;
    f.wantTail = false;
    f.start = at;
    f.spans = this.withSpans ? [] : undefined;
    return f;
  }

  /** Drops references to the last input so that a reused reader does not keep it alive. */
  private release(): void {
    for (let i = 0; i < Math.min(this.sp + 1, this.stack.length); i++) {
      const f = this.stack[i]!;
      f.items = f.values = NO_TERMS;
      f.result = undefined;
      f.spans = undefined;
    }
    this.sp = 0;
    if (this.stack.length > 256) this.stack.length = 256; // a 100 000-deep term should not pin its frames
    this.bytes = NO_BYTES;
  }

  /** Where the reader is inside the term, outermost first. */
  protected path(): string[] {
    const path: string[] = [];
    for (let i = 0; i < this.sp; i++) {
      const f = this.stack[i]!;
      if (f.kind === TUPLE) path.push(`elem ${f.index}`);
      else if (f.kind === LIST) path.push(f.wantTail ? 'improper tail' : `list item ${f.index}`);
      else if (f.kind === FUN) path.push(`fun free var ${f.index}`);
      else if ((f.index & 1) === 0) path.push(`map key ${f.index >> 1}`);
      else path.push(`map value ${describeKey(f.items[f.index >> 1]!)}`);
    }
    return path;
  }
}

/** A STRING_EXT is a list: each byte is an element with its own span. */
function stringSpan(start: number, end: number): TermSpan {
  const children: TermSpan[] = [];
  for (let p = start + 3; p < end; p++) children.push({ start: p, end: p + 1 });
  return children.length > 0 ? { start, end, children } : { start, end };
}
