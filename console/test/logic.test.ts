import { describe, expect, it } from 'vitest';
import { detailText, refreshDelay } from '../src/auth';
import { parseEnvVars } from '../src/envvars';
import { reconnectDelay, streamUrl } from '../src/stream';
import { timelineOf } from '../src/timeline';
import { usageOf } from '../src/usage';

describe('usageOf', () => {
  it('sums cost and tokens per model over runs (cost may be JSON text)', () => {
    const cost = { usage_including_cached_inference: { total_cost: 0.5, 'gpt-4o': { cost: 0.5, prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 } } };
    const u = usageOf([{ cost }, { cost: JSON.stringify(cost) }]);
    expect(u).toEqual({ totalCost: 1, models: [{ model: 'gpt-4o', cost: 1, promptTokens: 20, completionTokens: 10, totalTokens: 30 }] });
  });

  it('is null when results carry no cost', () => {
    expect(usageOf(null)).toBeNull();
    expect(usageOf([{ summary: 'x', cost: null }])).toBeNull();
    expect(usageOf({ error: 'boom' })).toBeNull();
    expect(usageOf([{ cost: 'not json' }])).toBeNull();
  });
});

describe('parseEnvVars', () => {
  it('reads NAME=value lines, skipping blanks and comments', () => {
    expect(parseEnvVars('A=1\n\n# c\n B = two=2 \r\n')).toEqual({ vars: { A: '1', B: 'two=2' }, error: null });
  });
  it('says which line is wrong', () => {
    expect(parseEnvVars('A=1\nnope').error).toBe('line 2: expected NAME=value');
    expect(parseEnvVars('1A=x').error).toMatch(/not a variable name/);
    expect(parseEnvVars('A=1\nA=2').error).toBe('line 2: A is given twice');
  });
});

describe('refreshDelay', () => {
  it('refreshes at 80 % of the life, at least 30 s before expiry, never sooner than 1 s', () => {
    expect(refreshDelay(3_600_000, 0, 3_600_000)).toBe(2_880_000);
    expect(refreshDelay(60_000, 0, 60_000)).toBe(30_000);
    expect(refreshDelay(10_000, 0, 10_000)).toBe(1_000);
  });
});

describe('stream helpers', () => {
  it('resumes after the last entry, everything when none, with no token in the URL', () => {
    expect(streamUrl({ protocol: 'http:', host: 'h:1' }, 'abc', null)).toBe('ws://h:1/ws/abc?after=0');
    expect(streamUrl({ protocol: 'https:', host: 'h' }, 'abc', '17-3')).toBe('wss://h/ws/abc?after=17-3');
  });
  it('backs off from 0.5 s to 10 s', () => {
    expect([0, 1, 2, 5, 9].map(reconnectDelay)).toEqual([500, 1000, 2000, 10000, 10000]);
  });
});

describe('detailText', () => {
  it('reads both error shapes', () => {
    expect(detailText('Task not found')).toBe('Task not found');
    expect(detailText([{ loc: ['query', 'input_timeout'], msg: 'too big' }])).toBe('input_timeout: too big');
  });
});

describe('timelineOf', () => {
  it('merges the task row, status frames and input requests in time order', () => {
    const items = [{ kind: 'input' as const, key: 'k', ids: ['k'], requestId: 'r', prompt: 'Name?', password: false, answered: true, answer: 'x', timestamp: 2_500_000 }];
    const tl = timelineOf({ status: 'CANCELLED', created_at: '1970-01-01T00:00:01Z', started_at: '1970-01-01T00:00:02Z',
      finished_at: '1970-01-01T00:00:09Z', status_reason: 'cancel requested' }, [], items);
    expect(tl.map((e) => [e.status, e.note])).toEqual([
      ['PENDING', 'submitted'], ['RUNNING', 'runner started'], ['WAITING_FOR_INPUT', 'Name?'], ['CANCELLED', 'cancel requested']]);
  });
});
