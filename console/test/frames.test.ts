import { describe, expect, it } from 'vitest';
import { compareStreamIds, isFinal, parseFrame } from '../src/frames';

describe('parseFrame', () => {
  it('reads a status frame', () => {
    const f = parseFrame(JSON.stringify({
      type: 'status', timestamp: 1764110000123456,
      data: { task_id: 't', status: 'WAITING_FOR_INPUT', updated_at: '2026-11-25T22:47:35.001Z', results: null, input_request_id: 'r1' },
    }));
    expect(f).toEqual({ kind: 'status', status: 'WAITING_FOR_INPUT', timestamp: 1764110000123456,
      updatedAt: '2026-11-25T22:47:35.001Z', inputRequestId: 'r1', results: null });
  });

  it('reads output entries with string timestamps and "True" passwords', () => {
    const f = parseFrame('{"type":"input_request","request_id":"abc","data":"Key?","password":"True","task_id":"t","timestamp":"1764110000124000","id":"1764110000124-0"}');
    expect(f).toMatchObject({ kind: 'output', type: 'input_request', id: '1764110000124-0', requestId: 'abc', password: true, timestamp: 1764110000124000, data: 'Key?' });
    expect(parseFrame('{"type":"input_request","request_id":"a","data":"x","password":"False","id":"1-0"}')).toMatchObject({ password: false });
  });

  it('keeps parsed ag2 events as objects', () => {
    const f = parseFrame(JSON.stringify({ type: 'print', data: { type: 'text', content: { content: 'hi' } }, id: '5-1', timestamp: '5000' }));
    expect(f).toMatchObject({ kind: 'output', type: 'print', data: { type: 'text', content: { content: 'hi' } } });
  });

  it('reads error frames', () => {
    expect(parseFrame('{"type":"error","error":"Input not expected","detail":"no"}')).toEqual({ kind: 'error', error: 'Input not expected', detail: 'no' });
  });

  it('ignores what is not a frame instead of throwing', () => {
    for (const text of ['', 'not json', '[]', '42', '{"data":1}', '{"type":"print","data":"x"}', '{"type":"print","id":"nope"}', '{"type":"status","data":{}}']) {
      expect(parseFrame(text)).toBeNull();
    }
  });
});

describe('compareStreamIds', () => {
  it('orders numerically, not as text', () => {
    expect(compareStreamIds('9-0', '10-0')).toBeLessThan(0);
    expect(compareStreamIds('10-2', '10-10')).toBeLessThan(0);
    expect(compareStreamIds('1764110000124-1', '1764110000124-1')).toBe(0);
    expect(compareStreamIds('1764110000125-0', '1764110000124-9')).toBeGreaterThan(0);
  });
});

describe('isFinal', () => {
  it('knows the final statuses', () => {
    expect(['COMPLETED', 'FAILED', 'CANCELLED'].every(isFinal)).toBe(true);
    expect(['PENDING', 'RUNNING', 'WAITING_FOR_INPUT', null, undefined].some(isFinal)).toBe(false);
  });
});
