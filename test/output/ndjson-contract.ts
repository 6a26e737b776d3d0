/**
 * An independent check of the `--json` line contract (documented in src/output/ndjson.ts and the
 * README), written from the documentation rather than from the printer's types: every field,
 * its JSON type, which fields go together, and that nothing else is present.
 *
 *   const problems = ndjsonProblems(JSON.parse(line));   // [] when the record keeps the contract
 */

import { DEFAULT_MAX_PAYLOAD_SIZE } from '../../src/phoenix/classify.js';

const KINDS = ['broadcast', 'message', 'reply', 'tracker', 'presence_diff', 'term', 'msgpack', 'json', 'raw'];
const SHAPES = ['v3', 'v1/fastlane', 'v1/pool', 'v1/legacy'];
const TRACKER_TYPES = ['heartbeat', 'transfer_req', 'transfer_ack', 'graceful_permdown'];
const TOP_FIELDS = new Set([
  'ts',
  'seq',
  'channel',
  'pattern',
  'bytes',
  'envelope',
  'kind',
  'topic',
  'event',
  'payload',
  'tracker',
  'term',
  'error',
  'offset',
  'raw_b64',
]);
const ENVELOPE_FIELDS = new Set([
  'generation',
  'shape',
  'mode',
  'node',
  'topic',
  'dispatcher',
  'compressed',
  'from_node',
  'node_name',
  'pool_size',
]);
const TRACKER_FIELDS = new Set(['type', 'replica', 'vsn', 'empty', 'delta_size', 'joins', 'leaves', 'state_size']);
/** The one-key objects of typed JSON (src/etf/render/typed-json.ts). */
const TYPED_KEYS = new Set([
  'atom',
  'int',
  'float',
  'bin',
  'bin64',
  'bits',
  'list',
  'tuple',
  'map',
  'pid',
  'port',
  'ref',
  'export',
  'fun',
]);

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const isNonNegInt = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;

export function ndjsonProblems(record: unknown): string[] {
  const problems: string[] = [];
  const bad = (text: string): void => void problems.push(text);
  if (!isObj(record)) return ['not a JSON object'];

  for (const key of Object.keys(record)) if (!TOP_FIELDS.has(key)) bad(`unknown field "${key}"`);
  for (const key of ['ts', 'seq', 'channel', 'pattern', 'bytes', 'envelope', 'kind']) {
    if (!(key in record)) bad(`missing "${key}"`);
  }
  if (
    typeof record.ts !== 'string' ||
    !/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/.test(record.ts) ||
    Number.isNaN(Date.parse(record.ts))
  ) {
    bad(`ts is not an ISO-8601 UTC time with ms: ${JSON.stringify(record.ts)}`);
  }
  if (!isNonNegInt(record.seq) || record.seq < 1) bad('seq is not a positive integer');
  if (typeof record.channel !== 'string') bad('channel is not a string');
  if (record.pattern !== null && typeof record.pattern !== 'string') bad('pattern is neither null nor a string');
  if (!isNonNegInt(record.bytes)) bad('bytes is not a non-negative integer');
  if (typeof record.kind !== 'string' || !KINDS.includes(record.kind))
    bad(`kind ${JSON.stringify(record.kind)} is not one of ${KINDS.join('|')}`);
  for (const key of ['topic', 'event', 'error']) {
    if (key in record && typeof record[key] !== 'string') bad(`${key} is not a string`);
  }

  if (record.envelope !== null) {
    if (!isObj(record.envelope)) bad('envelope is neither null nor an object');
    else envelopeProblems(record.envelope).forEach((p) => bad(`envelope: ${p}`));
  }

  const failed = 'error' in record;
  // Payloads too large to decode (over 16 MiB) are reported without their bytes.
  const tooLarge = typeof record.bytes === 'number' && record.bytes > DEFAULT_MAX_PAYLOAD_SIZE;
  if (failed) {
    if (!isNonNegInt(record.offset)) bad('error without a non-negative integer offset');
    if (typeof record.raw_b64 !== 'string' && !tooLarge) bad('error without raw_b64');
    if ('term' in record) bad('error together with term');
    // An envelope whose message is corrupt keeps the fields that decoded (the dispatcher after it is null).
  } else if ('offset' in record) {
    bad('offset without error');
  }
  if ('raw_b64' in record) {
    if (!failed && record.kind !== 'raw') bad('raw_b64 on a decoded message');
    if (typeof record.raw_b64 === 'string') {
      const bytes = Buffer.from(record.raw_b64, 'base64');
      if (bytes.toString('base64') !== record.raw_b64) bad('raw_b64 is not canonical base64');
      else if (bytes.length !== record.bytes)
        bad(`raw_b64 holds ${bytes.length} bytes, bytes says ${String(record.bytes)}`);
    }
  }

  const etfKinds = ['broadcast', 'message', 'reply', 'tracker', 'presence_diff', 'term'];
  if (typeof record.kind === 'string' && etfKinds.includes(record.kind)) {
    if (!('term' in record)) bad(`kind ${record.kind} without term`);
  } else if ('term' in record) {
    bad(`term on a ${String(record.kind)} message`);
  }
  if ('term' in record) typedJsonProblems(record.term, 'term').forEach(bad);

  if (record.kind === 'tracker') {
    if (!isObj(record.tracker)) bad('kind tracker without a tracker object');
    else trackerProblems(record.tracker).forEach((p) => bad(`tracker: ${p}`));
  } else if ('tracker' in record) {
    bad(`tracker on a ${String(record.kind)} message`);
  }
  if (
    (record.kind === 'broadcast' || record.kind === 'presence_diff') &&
    !('event' in record && 'topic' in record && 'payload' in record)
  ) {
    bad(`${String(record.kind)} without topic, event and payload`);
  }
  if ((record.kind === 'json' || record.kind === 'msgpack') && !('payload' in record))
    bad(`${String(record.kind)} without payload`);
  return problems;
}

function envelopeProblems(e: Obj): string[] {
  const problems: string[] = [];
  const bad = (text: string): void => void problems.push(text);
  for (const key of Object.keys(e)) if (!ENVELOPE_FIELDS.has(key)) bad(`unknown field "${key}"`);
  if (e.generation !== 1 && e.generation !== 3) bad('generation is not 1 or 3');
  if (typeof e.shape !== 'string' || !SHAPES.includes(e.shape)) bad(`shape ${JSON.stringify(e.shape)}`);
  else if ((e.shape === 'v3') !== (e.generation === 3)) bad('shape and generation disagree');
  if (e.generation === 3 && e.mode !== 'except' && e.mode !== 'only') bad('v3 mode is not except|only');
  if (e.generation === 1 && e.mode !== 'all') bad('v1 mode is not all');
  for (const key of ['node', 'topic']) if (typeof e[key] !== 'string') bad(`${key} is not a string`);
  if (e.dispatcher !== null && typeof e.dispatcher !== 'string') bad('dispatcher is neither null nor a string');
  if (typeof e.compressed !== 'boolean') bad('compressed is not a boolean');
  if ('from_node' in e && (typeof e.from_node !== 'string' || e.generation !== 1)) bad('from_node must be a v1 string');
  if ('node_name' in e && (typeof e.node_name !== 'string' || e.generation !== 1)) bad('node_name must be a v1 string');
  if ('pool_size' in e && (!isNonNegInt(e.pool_size) || e.generation !== 1)) bad('pool_size must be a v1 integer');
  return problems;
}

function trackerProblems(t: Obj): string[] {
  const problems: string[] = [];
  for (const key of Object.keys(t)) if (!TRACKER_FIELDS.has(key)) problems.push(`unknown field "${key}"`);
  if (typeof t.type !== 'string' || !TRACKER_TYPES.includes(t.type)) problems.push(`type ${JSON.stringify(t.type)}`);
  if (typeof t.replica !== 'string') problems.push('replica is not a string');
  if (typeof t.vsn !== 'string' || !/^-?\d+$/.test(t.vsn)) problems.push('vsn is not decimal text');
  if ('empty' in t && (typeof t.empty !== 'boolean' || t.type !== 'heartbeat'))
    problems.push('empty must be a heartbeat boolean');
  for (const key of ['delta_size', 'joins', 'leaves', 'state_size'])
    if (key in t && !isNonNegInt(t[key])) problems.push(`${key} is not a non-negative integer`);
  return problems;
}

/** Shape of typed JSON: one-key objects of the documented kinds, all the way down (iterative). */
function typedJsonProblems(root: unknown, rootPath: string): string[] {
  const problems: string[] = [];
  const stack: Array<[unknown, string]> = [[root, rootPath]];
  while (stack.length > 0 && problems.length < 5) {
    const [v, path] = stack.pop()!;
    if (!isObj(v)) {
      problems.push(`${path} is not a typed-JSON object`);
      continue;
    }
    const keys = Object.keys(v).filter((k) => TYPED_KEYS.has(k));
    if (keys.length !== 1) {
      problems.push(`${path} has ${keys.length} typed-JSON kinds (${Object.keys(v).join(',')})`);
      continue;
    }
    const kind = keys[0]!;
    const body = v[kind];
    switch (kind) {
      case 'atom':
      case 'bin':
      case 'bin64':
        if (typeof body !== 'string') problems.push(`${path}.${kind} is not a string`);
        break;
      case 'int':
        if (!(Number.isSafeInteger(body) || (typeof body === 'string' && /^-?\d+$/.test(body))))
          problems.push(`${path}.int`);
        break;
      case 'float':
        if (typeof body !== 'number') problems.push(`${path}.float is not a number`);
        break;
      case 'list':
      case 'tuple':
        if (!Array.isArray(body)) problems.push(`${path}.${kind} is not an array`);
        else body.forEach((x, i) => stack.push([x, `${path}.${kind}[${i}]`]));
        if (kind === 'list' && 'tail' in v) stack.push([v.tail, `${path}.tail`]);
        break;
      case 'map':
        if (!Array.isArray(body)) problems.push(`${path}.map is not an array`);
        else {
          body.forEach((pair, i) => {
            if (!Array.isArray(pair) || pair.length !== 2) problems.push(`${path}.map[${i}] is not a pair`);
            else stack.push([pair[0], `${path}.map[${i}][0]`], [pair[1], `${path}.map[${i}][1]`]);
          });
        }
        break;
      default:
        if (!isObj(body) && typeof body !== 'string') problems.push(`${path}.${kind} has a bad body`);
    }
  }
  return problems;
}
