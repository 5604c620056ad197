// R40: a job written straight into the Redis queue whose data is a path on the worker's machine is
// refused without reading the file, and nothing a worker sends back quotes a cell: not for a file
// path, not for a data set name, not for inline data with a bad cell.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../cli/harness.js';
import { BIN, exited, killGroup, LocalRedis, SKIP_NO_REDIS, spawnLogged, waitFor } from '../helpers/redis.js';
import { QUEUE_NAME, type QueueResult } from '../../cli/search/queue.js';
import { trainingSpec } from '../../src/index.js';

const SECRET = 'SECRETCELL-7f3a';

test('R40: the worker refuses a path or data set name in a job, and a failure carries a code and field, never a cell', { skip: SKIP_NO_REDIS }, async () => {
  const dir = tempDir('r40');
  const secretFile = join(dir, 'secret.csv');
  writeFileSync(secretFile, `a,b,y\n1,2,x\n${SECRET},oops,y\n`);
  const redis = await LocalRedis.start();
  const worker = spawnLogged(process.execPath, [BIN, 'worker', '--queue', redis.url], { cwd: dir, detached: true });
  const { Queue, QueueEvents } = await import('bullmq');
  const { Redis } = await import('ioredis');
  const connection = { host: '127.0.0.1', port: redis.port };
  const queue = new Queue(QUEUE_NAME, { connection });
  const events = new QueueEvents(QUEUE_NAME, { connection });
  try {
    await waitFor(worker.child, worker.log, /worker ready/);
    await events.waitUntilReady();
    const spec = trainingSpec();
    const job = { spec, scoring: { validationSplit: 0.2, seed: 0 }, metric: 'loss', prune: false };
    const csv = `a,y\n1,x\n${SECRET},y\n2,x\n3,y\n`;
    const sent = {
      file: { ...job, data: { file: secretFile, hash: 'x', tableArgs: {}, synthetic: {} } },
      dataset: { ...job, data: { dataset: 'iris', hash: 'x', tableArgs: {}, synthetic: {} } },
      hash: { ...job, data: { csv, hash: '0'.repeat(64), tableArgs: { numeric: ['a'] }, synthetic: {} } },
      cell: { ...job, data: { csv, hash: createHash('sha256').update(csv).digest('hex'), tableArgs: { numeric: ['a'] }, synthetic: {} } },
    };
    const results: Record<string, QueueResult> = {};
    for (const [name, data] of Object.entries(sent)) {
      const added = await queue.add('trial', data, { jobId: `r40-${name}` });
      results[name] = (await added.waitUntilFinished(events)) as QueueResult;
    }
    assert.deepEqual(results.file, { ok: false, error: { code: 'not-inline', name: 'RefusedJob', field: 'data.file' }, worker: results.file!.worker });
    assert.deepEqual(results.dataset!.ok ? undefined : results.dataset!.error, { code: 'not-inline', name: 'RefusedJob', field: 'data.dataset' });
    assert.deepEqual(results.hash!.ok ? undefined : results.hash!.error, { code: 'hash-mismatch', name: 'RefusedJob', field: 'data.hash' });
    assert.deepEqual(results.cell!.ok ? undefined : results.cell!.error, { code: 'data', name: 'InputError' });
    // Nothing any queue client can read holds the secret cell: every key and hash field in Redis.
    const client = new Redis(redis.url);
    try {
      const keys = await client.keys('*');
      assert.ok(keys.length > 0);
      for (const key of keys) {
        const type = await client.type(key);
        // A job's own input (its `data` field) holds the inline CSV the writer put there; everything else is what came back.
        const values = type === 'hash' ? Object.entries(await client.hgetall(key)).filter(([f]) => f !== 'data').map(([, v]) => v) : type === 'string' ? [await client.get(key)] : type === 'list' ? await client.lrange(key, 0, -1) : type === 'zset' ? await client.zrange(key, 0, -1) : type === 'stream' ? [JSON.stringify(await client.xrange(key, '-', '+'))] : [];
        for (const v of values) assert.ok(typeof v !== 'string' || !v.includes(SECRET), `${key} (${type}) holds the secret cell`);
      }
    } finally {
      client.disconnect();
    }
    assert.doesNotMatch(worker.log.text, new RegExp(SECRET));
  } finally {
    await events.close();
    await queue.close();
    killGroup(worker.child, 'SIGTERM');
    await exited(worker.child);
    await redis.stop();
  }
});
