/**
 * The Erlang External Term Format codec, usable on its own:
 *
 *   import { decode, encode, inspect, Atom } from 'redis-print/etf';
 *
 * It knows nothing of Redis, Phoenix or terminals.
 */
export * from './term.js';
export {
  decode,
  decodeDetailed,
  DEFAULT_MAX_BIG_BYTES,
  DEFAULT_MAX_DEPTH,
  DEFAULT_MAX_TERMS,
  type DecodeOptions,
  type DecodeResult,
} from './decode.js';
export { DEFAULT_MAX_INFLATED_SIZE } from './inflate.js';
export { encode, type EncodeOptions } from './encode.js';
export { fromPlain, type PlainValue } from './plain.js';
export { DecodeError, EncodeError } from './errors.js';
export { renderElixir, type ElixirRenderOptions } from './render/elixir.js';
export { inspect, type InspectOptions } from './render/inspect.js';
export { renderErlang, type ErlangRenderOptions } from './render/erlang.js';
export { toTypedJson, stringifyTypedJson, type TypedJson } from './render/typed-json.js';
export { fromTypedJson, parseTypedJson, TypedJsonError } from './render/typed-json-read.js';
export { toPlainJson, type PlainJson, type PlainJsonOptions } from './render/plain-json.js';
export type { StructRegistry } from './render/structs.js';
export { parseElixir, type ParseOptions } from './parse/parser.js';
export { ElixirSyntaxError } from './parse/errors.js';
