import { describe, expect, it } from 'vitest';
import type { OutputEntry } from '../src/frames';
import { eventTitle, messageText, Transcript } from '../src/transcript';

function entry(id: string, type: string, data: unknown, extra: Partial<OutputEntry> = {}): OutputEntry {
  return { kind: 'output', id, type, data, requestId: null, password: false, timestamp: 1, ...extra };
}

describe('Transcript', () => {
  it('turns entries into chat messages, folded events, log lines and input requests', () => {
    const t = new Transcript();
    t.add(entry('1-0', 'print', 'Starting\n'));
    t.add(entry('2-0', 'print', { type: 'text', content: { content: 'Hello **there**', sender: 'A', recipient: 'B' } }));
    t.add(entry('3-0', 'print', { type: 'tool_call', content: { tool_calls: [{ function: { name: 'search' } }], sender: 'A', recipient: 'B' } }));
    t.add(entry('4-0', 'print', { type: 'print', content: { objects: ['x', 1], sep: '-', end: '!' } }));
    t.add(entry('5-0', 'input_request', 'Key?', { requestId: 'r1', password: true }));
    expect(t.items.map((i) => i.kind)).toEqual(['log', 'chat', 'event', 'log', 'input']);
    expect(t.items[1]).toMatchObject({ sender: 'A', recipient: 'B', text: 'Hello **there**' });
    expect(t.items[2]).toMatchObject({ title: 'tool call: search (A → B)' });
    expect(t.items[3]).toMatchObject({ text: 'x-1!' });
    expect(t.pendingInput('r1')).toMatchObject({ prompt: 'Key?', password: true, answered: false });
  });

  it('puts the answer on its request, as a new object', () => {
    const t = new Transcript();
    t.add(entry('1-0', 'input_request', '>', { requestId: 'r1' }));
    const asked = t.items[0];
    t.add(entry('2-0', 'input_response', 'hello', { requestId: 'r1' }));
    expect(t.items).toHaveLength(1);
    expect(t.items[0]).not.toBe(asked);
    expect(t.items[0]).toMatchObject({ answered: true, answer: 'hello', ids: ['1-0', '2-0'] });
    expect(t.pendingInput('r1')).toBeNull();
  });

  it('keeps an answer whose request it never saw', () => {
    const t = new Transcript();
    t.add(entry('2-0', 'input_response', '***', { requestId: 'gone' }));
    expect(t.items[0]).toMatchObject({ kind: 'input', answered: true, answer: '***', prompt: '' });
  });

  it('applies each entry once: repeated or older ids change nothing', () => {
    const t = new Transcript();
    expect(t.add(entry('10-0', 'print', 'a'))).toBe(true);
    expect(t.add(entry('10-0', 'print', 'a'))).toBe(false);
    expect(t.add(entry('9-5', 'print', 'older'))).toBe(false);
    expect(t.addAll([entry('10-0', 'print', 'a'), entry('10-1', 'print', 'b'), entry('11-0', 'print', 'c')])).toBe(2);
    expect(t.entries.map((e) => e.id)).toEqual(['10-0', '10-1', '11-0']);
    expect(t.lastId).toBe('11-0');
    expect(t.size).toBe(3);
  });

  it('accepts sender_name / recipient_name and agent objects', () => {
    const t = new Transcript();
    t.add(entry('1-0', 'print', { type: 'text', content: { content: 'x', sender_name: 'S', recipient: { name: 'R' } } }));
    expect(t.items[0]).toMatchObject({ sender: 'S', recipient: 'R' });
  });
});

describe('messageText and eventTitle', () => {
  it('keeps the text parts of multimodal content', () => {
    expect(messageText([{ type: 'text', text: 'look' }, { type: 'image_url', image_url: { url: 'x' } }])).toBe('look\n[image]');
    expect(messageText(null)).toBe('');
    expect(messageText({ a: 1 })).toContain('"a": 1');
  });

  it('names events in one line', () => {
    expect(eventTitle('termination', { termination_reason: 'Maximum turns (3) reached' })).toBe('termination: Maximum turns (3) reached');
    expect(eventTitle('post_carryover_processing', { chat_info: { sender: 'User1', recipient: 'Assistant_2A' } })).toBe('chat starts: User1 → Assistant_2A');
    expect(eventTitle('executed_function', { func_name: 'f', is_exec_success: false })).toBe('executed f (failed)');
    expect(eventTitle('group_chat_run_chat', {})).toBe('group chat run chat');
  });
});
