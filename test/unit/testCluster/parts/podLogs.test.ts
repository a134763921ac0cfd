import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Clock } from '../../../cluster/clock';
import { ContainerLogs, PodLogs, logQueryFromUrl, rfc3339NanoFixed, type LogFailure } from '../../../cluster/podLogs';

const START = Date.UTC(2026, 10, 22, 3, 18, 51, 123);

function text(r: ReturnType<ContainerLogs['read']>): string {
  assert.ok(r.ok, r.ok ? '' : r.message);
  return r.text;
}

/** Three lines, ten seconds apart, the last one at START + 20 s. */
function threeLines(): { clock: Clock; logs: ContainerLogs } {
  const clock = new Clock(START);
  const logs = new ContainerLogs(clock, { pod: 'api-5d7897cc66-fvxwl', container: 'api' });
  logs.append('starting');
  clock.advance(10);
  logs.append('token loaded');
  clock.advance(10);
  logs.append('401 Unauthorized from https://kubernetes.default.svc');
  return { clock, logs };
}

describe('ContainerLogs.read', () => {
  it('returns every line of the current instance, newline-terminated', () => {
    const { logs } = threeLines();
    assert.equal(text(logs.read({})), 'starting\ntoken loaded\n401 Unauthorized from https://kubernetes.default.svc\n');
  });

  it('tailLines keeps the last N lines; 0 keeps none', () => {
    const { logs } = threeLines();
    assert.equal(text(logs.read({ tailLines: 2 })), 'token loaded\n401 Unauthorized from https://kubernetes.default.svc\n');
    assert.equal(text(logs.read({ tailLines: 0 })), '');
    assert.equal(text(logs.read({ tailLines: 10 })).split('\n').length, 4);
  });

  it('sinceSeconds counts back from the clock, inclusive', () => {
    const { logs } = threeLines();
    assert.equal(text(logs.read({ sinceSeconds: 10 })), 'token loaded\n401 Unauthorized from https://kubernetes.default.svc\n');
    assert.equal(text(logs.read({ sinceSeconds: 9 })), '401 Unauthorized from https://kubernetes.default.svc\n');
  });

  it('sinceTime takes an RFC 3339 instant', () => {
    const { logs } = threeLines();
    assert.equal(text(logs.read({ sinceTime: '2026-11-22T03:19:10Z' })), '401 Unauthorized from https://kubernetes.default.svc\n');
  });

  it('tail is applied before since, as kubelet seeks back first', () => {
    const { logs } = threeLines();
    assert.equal(text(logs.read({ tailLines: 1, sinceSeconds: 100 })), '401 Unauthorized from https://kubernetes.default.svc\n');
    assert.equal(text(logs.read({ tailLines: 2, sinceSeconds: 5 })), '401 Unauthorized from https://kubernetes.default.svc\n');
  });

  it('timestamps prefix each line with nine fractional digits', () => {
    const { logs } = threeLines();
    assert.equal(text(logs.read({ timestamps: true, tailLines: 1 })), '2026-11-22T03:19:11.123000000Z 401 Unauthorized from https://kubernetes.default.svc\n');
    assert.equal(rfc3339NanoFixed(Date.UTC(2026, 0, 1)), '2026-01-01T00:00:00.000000000Z');
  });

  it('limitBytes cuts the output, even mid-line', () => {
    const { logs } = threeLines();
    assert.equal(text(logs.read({ limitBytes: 12 })), 'starting\ntok');
  });

  it('an appended block with newlines becomes several lines', () => {
    const logs = new ContainerLogs(new Clock(START));
    logs.append('a\nb\n');
    assert.equal(text(logs.read({ tailLines: 1 })), 'b\n');
  });

  it('previous without a restart is the kubelet 400', () => {
    const { logs } = threeLines();
    const r = logs.read({ previous: true });
    assert.deepEqual(r, { ok: false, code: 400, reason: 'BadRequest', message: 'previous terminated container "api" in pod "api-5d7897cc66-fvxwl" not found' });
  });

  it('restart moves the current lines to previous and starts empty', () => {
    const { logs } = threeLines();
    logs.restart();
    logs.append('second life');
    assert.equal(text(logs.read({})), 'second life\n');
    assert.equal(text(logs.read({ previous: true, tailLines: 1 })), '401 Unauthorized from https://kubernetes.default.svc\n');
    logs.restart();
    assert.equal(text(logs.read({ previous: true })), 'second life\n');
  });

  it('rejects bad options with the apiserver validation messages', () => {
    const { logs } = threeLines();
    const fail = (r: ReturnType<ContainerLogs['read']>): LogFailure => {
      assert.ok(!r.ok);
      return r;
    };
    assert.deepEqual(fail(logs.read({ tailLines: -1 })), {
      ok: false,
      code: 422,
      reason: 'Invalid',
      message: 'PodLogOptions "api-5d7897cc66-fvxwl" is invalid: tailLines: Invalid value: -1: must be greater than or equal to 0',
    });
    assert.match(fail(logs.read({ limitBytes: 0 })).message, /limitBytes: Invalid value: 0: must be greater than 0$/);
    assert.match(fail(logs.read({ sinceSeconds: 0 })).message, /sinceSeconds: Invalid value: 0: must be greater than 0$/);
    assert.match(
      fail(logs.read({ sinceSeconds: 5, sinceTime: '2026-11-22T03:19:10Z' })).message,
      /at most one of `sinceTime` or `sinceSeconds` may be specified/,
    );
    assert.equal(fail(logs.read({ sinceTime: 'yesterday' })).code, 400);
  });
});

describe('ContainerLogs.follow', () => {
  it('sends the matching lines, then each new line as it is appended, until stopped', () => {
    const { clock, logs } = threeLines();
    const got: string[] = [];
    const stop = logs.follow({ tailLines: 1 }, (t) => got.push(t));
    clock.advance(1);
    logs.append('retrying');
    stop();
    logs.append('after stop');
    assert.deepEqual(got, ['401 Unauthorized from https://kubernetes.default.svc\n', 'retrying\n']);
  });

  it('ends when the container restarts', () => {
    const { logs } = threeLines();
    const got: string[] = [];
    let ended = 0;
    logs.follow(
      { tailLines: 0 },
      (t) => got.push(t),
      () => ended++,
    );
    logs.append('last words');
    logs.restart();
    logs.append('new instance');
    assert.deepEqual(got, ['last words\n']);
    assert.equal(ended, 1);
  });

  it('ends once limitBytes is used up', () => {
    const { logs } = threeLines();
    const got: string[] = [];
    let ended = false;
    logs.follow(
      { tailLines: 0, limitBytes: 6 },
      (t) => got.push(t),
      () => {
        ended = true;
      },
    );
    logs.append('abc');
    logs.append('defgh');
    logs.append('never');
    assert.deepEqual(got, ['abc\n', 'de']);
    assert.ok(ended);
  });

  it('follow of previous sends the old lines and ends at once', () => {
    const { logs } = threeLines();
    logs.restart();
    const got: string[] = [];
    let ended = false;
    logs.follow(
      { previous: true, tailLines: 1 },
      (t) => got.push(t),
      () => {
        ended = true;
      },
    );
    assert.deepEqual(got, ['401 Unauthorized from https://kubernetes.default.svc\n']);
    assert.ok(ended);
  });

  it('reports a bad query through onError and never calls onText', () => {
    const { logs } = threeLines();
    const errors: LogFailure[] = [];
    logs.follow(
      { previous: true },
      () => assert.fail('no text expected'),
      undefined,
      (e) => errors.push(e),
    );
    assert.equal(errors[0]?.code, 400);
  });
});

describe('PodLogs', () => {
  it('keeps one log per container and forgets a deleted pod', () => {
    const clock = new Clock(START);
    const all = new PodLogs(clock);
    all.container('payments', 'api-1', 'api').append('hello');
    assert.equal(all.container('payments', 'api-1', 'api'), all.container('payments', 'api-1', 'api'));
    assert.ok(all.has('payments', 'api-1', 'api'));
    all.forget('payments', 'api-1');
    assert.ok(!all.has('payments', 'api-1', 'api'));
    assert.equal(text(all.container('payments', 'api-1', 'api').read({})), '');
  });
});

describe('logQueryFromUrl', () => {
  it('reads the pods/log query parameters the way the apiserver does', () => {
    const q = logQueryFromUrl(
      new URL('https://x/api/v1/namespaces/p/pods/a/log?container=api&tailLines=10&follow=true&previous=1&timestamps=false&sinceSeconds=60&limitBytes=500'),
    );
    assert.deepEqual(q, { follow: true, previous: true, timestamps: false, container: 'api', tailLines: 10, sinceSeconds: 60, limitBytes: 500 });
    assert.deepEqual(logQueryFromUrl(new URL('https://x/log')), { follow: false, previous: false, timestamps: false });
  });
});
