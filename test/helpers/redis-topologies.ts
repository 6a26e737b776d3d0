/**
 * Multi-process Redis setups for tests, built from startRedis:
 *   startCluster(3)                 three masters (no replicas), all slots assigned, state ok
 *   startReplica(master)            a replica that has finished its first sync
 *   startSentinel(master)           one sentinel (quorum 1) watching `master` as 'mymaster',
 *                                   fast failover (down after 1 s); call with a replica running
 *                                   first if the test wants a failover to be possible
 * Each returns objects with stop(); stop everything in afterAll.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { freePortPair } from './ports.js';
import { startRedis, waitUntil, type RedisServer } from './redis-server.js';

const run = promisify(execFile);

export interface RedisCluster {
  readonly nodes: RedisServer[];
  stop(): Promise<void>;
}

export async function startCluster(masters = 3, options: { requirepass?: string } = {}): Promise<RedisCluster> {
  const nodes = await Promise.all(
    Array.from({ length: masters }, async (_, i) => {
      // The cluster bus listens on port + 10000: take a port whose partner is free as well.
      const { port } = await freePortPair();
      return startRedis({
        port,
        name: `cluster${i}`,
        requirepass: options.requirepass,
        args: ['--cluster-enabled', 'yes', '--cluster-config-file', 'nodes.conf', '--cluster-node-timeout', '2000'],
      });
    }),
  );
  const cluster: RedisCluster = { nodes, stop: async () => void (await Promise.all(nodes.map((n) => n.stop()))) };
  try {
    const env = { ...process.env, ...(options.requirepass ? { REDISCLI_AUTH: options.requirepass } : {}) };
    await run('redis-cli', ['--cluster', 'create', ...nodes.map((n) => `127.0.0.1:${n.port}`), '--cluster-yes'], {
      env,
    });
    for (const node of nodes) {
      await waitUntil(async () => {
        const info = String(await node.command('CLUSTER', 'INFO'));
        return info.includes('cluster_state:ok') && info.includes(`cluster_known_nodes:${masters}`);
      }, `cluster node ${node.port} to see a healthy ${masters}-node cluster`);
    }
  } catch (error) {
    await cluster.stop();
    throw error;
  }
  return cluster;
}

export async function startReplica(master: RedisServer): Promise<RedisServer> {
  const args = ['--replicaof', '127.0.0.1', String(master.port)];
  if (master.requirepass !== undefined) args.push('--masterauth', master.requirepass);
  const replica = await startRedis({ name: 'replica', args, requirepass: master.requirepass });
  try {
    await waitUntil(
      async () => String(await replica.command('INFO', 'replication')).includes('master_link_status:up'),
      `replica ${replica.port} to sync with ${master.port}`,
    );
  } catch (error) {
    await replica.stop();
    throw error;
  }
  return replica;
}

export interface RedisSentinel extends RedisServer {
  readonly masterName: string;
  /** The master the sentinel currently names. */
  masterAddress(): Promise<{ host: string; port: number }>;
}

export async function startSentinel(
  master: RedisServer,
  options: { masterName?: string; password?: string; expectReplicas?: number } = {},
): Promise<RedisSentinel> {
  const name = options.masterName ?? 'mymaster';
  const config = [
    `sentinel monitor ${name} 127.0.0.1 ${master.port} 1`,
    `sentinel down-after-milliseconds ${name} 1000`,
    `sentinel failover-timeout ${name} 3000`,
  ];
  if (master.requirepass !== undefined) config.push(`sentinel auth-pass ${name} ${master.requirepass}`);
  const server = await startRedis({
    name: 'sentinel',
    config,
    args: ['--sentinel'],
    requirepass: options.password,
    readyLog: /Sentinel ID is/,
  });
  const sentinel: RedisSentinel = Object.assign(Object.create(server) as RedisServer, {
    masterName: name,
    async masterAddress() {
      const reply = (await server.command('SENTINEL', 'GET-MASTER-ADDR-BY-NAME', name)) as [string, string];
      return { host: reply[0], port: Number(reply[1]) };
    },
  });
  try {
    const expected = options.expectReplicas ?? 0;
    await waitUntil(async () => {
      const replicas = (await server.command('SENTINEL', 'REPLICAS', name)) as string[][];
      const healthy = replicas.filter((fields) => fields[fields.indexOf('flags') + 1] === 'slave');
      return healthy.length >= expected;
    }, `sentinel to know ${expected} healthy replica(s) of ${name}`);
  } catch (error) {
    await server.stop();
    throw error;
  }
  return sentinel;
}
