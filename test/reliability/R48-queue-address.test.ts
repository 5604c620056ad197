// R48: a malformed --queue address (a database that is not a number, a bad port, another scheme)
// is a usage error in one line before anything connects, for search and worker alike; a database
// the server does not have is one line too; a good address with a database connects.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LocalRedis, SKIP_NO_REDIS } from '../helpers/redis.js';
import { connect } from '../../cli/search/queue.js';
import { run } from '../../cli/program.js';

async function cli(args: readonly string[]): Promise<{ code: number; stderr: string }> {
  let stderr = '';
  const code = await run(args, { stdout: { write: () => true }, stderr: { write: (s: string) => ((stderr += s), true) } });
  return { code, stderr };
}

test('R48: malformed --queue addresses are usage errors naming what is wrong', async () => {
  const cases: [string, RegExp][] = [
    ['redis://127.0.0.1:6379/abc', /the database after the port must be a number such as \/0, got "abc"/],
    ['redis://127.0.0.1:99999', /not a URL|the port must be 1 to 65535/],
    ['http://127.0.0.1:6379', /the scheme must be redis:\/\/ or rediss:\/\/, got "http:"/],
    ['127.0.0.1:6379', /the scheme must be redis:\/\/|not a URL/],
  ];
  for (const [url, reason] of cases) {
    for (const command of [['search', '--trials', '1'], ['worker']]) {
      const r = await cli([...command, '--queue', url]);
      assert.equal(r.code, 2, `${command[0]} ${url}: ${r.stderr}`);
      assert.match(r.stderr, reason);
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
      assert.doesNotMatch(r.stderr, /\n\s+at |ReplyError|unexpected/);
    }
  }
});

test('R48: a database the server does not have is one line; /3 connects', { skip: SKIP_NO_REDIS }, async () => {
  const redis = await LocalRedis.start();
  try {
    const r = await cli(['worker', '--queue', `${redis.url}/99`]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, new RegExp(`^backprop: cannot reach Redis at redis://127\\.0\\.0\\.1:${redis.port}/99: ERR DB index is out of range\\n$`));
    const ok = await connect(`${redis.url}/3`);
    const c = ok.client();
    await c.set('r48', 'yes');
    assert.equal(await c.get('r48'), 'yes');
    await ok.closeClients();
  } finally {
    await redis.stop();
  }
});
