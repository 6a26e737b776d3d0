/**
 * Is a ConnectionSpec aimed at this machine only? publish/replay use it to refuse (or ask before)
 * writing into a Redis that real nodes may be listening on. Decided from the spec alone — no DNS:
 * a name other than `localhost` is not trusted to be local.
 */
import { isIPv4, isIPv6 } from 'node:net';
import type { ConnectionSpec } from './connection-spec.js';

/** 127.0.0.0/8, ::1 (any spelling, also IPv4-mapped 127.x), `localhost`. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  const lower = bare.toLowerCase().replace(/\.$/, '');
  if (lower === 'localhost') return true;
  if (isIPv4(lower)) return lower.startsWith('127.');
  if (isIPv6(lower)) {
    const full = expandIPv6(lower);
    // ::1, or an IPv4-mapped 127.x address (::ffff:127.0.0.1, ::ffff:7f00:1).
    return full === '0000:0000:0000:0000:0000:0000:0000:0001' || full.startsWith('0000:0000:0000:0000:0000:ffff:7f');
  }
  return false;
}

/**
 * Every address the spec names is loopback. For sentinel that is the sentinels: the master they
 * point at is only known after asking them, and a sentinel on this machine is taken as local.
 */
export function isLoopbackTarget(spec: ConnectionSpec): boolean {
  switch (spec.mode) {
    case 'standalone':
      return isLoopbackHost(spec.host);
    case 'sentinel':
      return spec.sentinels.length > 0 && spec.sentinels.every((s) => isLoopbackHost(s.host));
    case 'cluster':
      return spec.nodes.length > 0 && spec.nodes.every((n) => isLoopbackHost(n.host));
  }
}

function expandIPv6(address: string): string {
  // A trailing dotted IPv4 part stands for the last two groups.
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(address);
  if (dotted) {
    const [a, b, c, d] = dotted.slice(1).map(Number) as [number, number, number, number];
    address = address.slice(0, dotted.index) + `${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', tail] = address.split('::');
  const left = head === '' ? [] : head.split(':');
  const right = tail === undefined || tail === '' ? [] : tail.split(':');
  const missing = 8 - left.length - right.length;
  const groups = tail === undefined ? left : [...left, ...Array<string>(missing).fill('0'), ...right];
  return groups.map((g) => g.padStart(4, '0')).join(':');
}
