/**
 * redis-print as a library: the ETF codec, and what the Phoenix.PubSub Redis adapter's terms mean.
 */
export * from './etf/index.js';
export { classify, type ClassifyOptions } from './phoenix/classify.js';
export type { Classified, Envelope, EnvelopeShape, MessageKind, TrackerInfo } from './phoenix/classified.js';
export { describeEnvelope } from './phoenix/envelope.js';
export { broadcastStruct, buildV1, buildV3, type V1Options, type V3Options } from './phoenix/build.js';
export { channelFor, generationOfChannel } from './phoenix/channel.js';
export { validateForPublish, type Validation } from './phoenix/validate.js';
export { PHOENIX_STRUCTS } from './phoenix/structs.js';
