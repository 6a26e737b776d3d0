/** src/redis: the only place that talks to Redis. See each module's header for the why. */
export {
  ConnectionSpecError,
  DEFAULT_HOST,
  DEFAULT_PORT,
  DEFAULT_SENTINEL_PORT,
  defaultSpec,
  describeSpec,
  formatEndpoint,
  isTlsUnverified,
  parseEndpoint,
  parseRedisUrl,
  parseSentinelList,
  type ClusterSpec,
  type ConnectionSpec,
  type RedisEndpoint,
  type SentinelSpec,
  type StandaloneSpec,
  type TlsSpec,
} from './connection-spec.js';
export { RedisConnectionError, isPermanentFailure, type RedisFailureReason } from './errors.js';
export { isLoopbackHost, isLoopbackTarget } from './loopback.js';
export { Publisher, type PublisherOptions } from './publisher.js';
export { scrubSecrets } from './redaction.js';
export { Subscriber, type SubscriberEvents, type SubscriberOptions, type SubscriberStats } from './subscriber.js';
