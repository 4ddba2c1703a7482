/**
 * The conversation of one task as the console shows it, built from output entries in stream order.
 * Pure (no DOM): unit-tested in Node. Each entry is applied once: an entry whose id is not after the
 * last one applied is refused, so a resumed or repeated delivery can never show twice.
 */
import { compareStreamIds, isObject, type OutputEntry } from './frames';

/** An agent's message: sender → recipient, markdown text. */
export interface ChatItem {
  kind: 'chat';
  key: string;
  ids: string[];
  sender: string;
  recipient: string;
  text: string;
  timestamp: number;
}

/** Any other ag2 event (tool calls, termination, group chat bookkeeping…): shown folded. */
export interface EventItem {
  kind: 'event';
  key: string;
  ids: string[];
  eventType: string;
  title: string;
  detail: unknown;
  timestamp: number;
}

/** A plain print of the flow: a log line. */
export interface LogItem {
  kind: 'log';
  key: string;
  ids: string[];
  text: string;
  timestamp: number;
}

/** An input request, with its answer once the runner recorded one. */
export interface InputItem {
  kind: 'input';
  key: string;
  ids: string[];
  requestId: string;
  prompt: string;
  password: boolean;
  answered: boolean;
  answer: string | null;
  timestamp: number;
}

export type Item = ChatItem | EventItem | LogItem | InputItem;

export class Transcript {
  /** Every entry applied, in stream order (what is cached and counted). */
  readonly entries: OutputEntry[] = [];
  readonly items: Item[] = [];
  /** Bumped on every change, for cheap change detection by views. */
  version = 0;
  private readonly inputByRequest = new Map<string, number>();

  get lastId(): string | null {
    return this.entries.length ? this.entries[this.entries.length - 1].id : null;
  }

  get size(): number {
    return this.entries.length;
  }

  /** Applies one entry; false (and nothing changes) when it is not after the last one applied. */
  add(entry: OutputEntry): boolean {
    const last = this.lastId;
    if (last !== null && compareStreamIds(entry.id, last) <= 0) {
      return false;
    }
    this.entries.push(entry);
    this.version++;
    if (entry.type === 'input_request') {
      this.inputByRequest.set(entry.requestId ?? entry.id, this.items.length);
      this.items.push({
        kind: 'input', key: entry.id, ids: [entry.id], requestId: entry.requestId ?? '',
        prompt: textOf(entry.data), password: entry.password, answered: false, answer: null,
        timestamp: entry.timestamp,
      });
      return true;
    }
    if (entry.type === 'input_response') {
      const at = entry.requestId ? this.inputByRequest.get(entry.requestId) : undefined;
      const answer = textOf(entry.data);
      if (at !== undefined) {
        const prev = this.items[at] as InputItem;
        // A new object, so views that compare items by identity re-render just this one.
        this.items[at] = { ...prev, ids: [...prev.ids, entry.id], answered: true, answer };
      } else {
        this.items.push({
          kind: 'input', key: entry.id, ids: [entry.id], requestId: entry.requestId ?? '', prompt: '',
          password: false, answered: true, answer, timestamp: entry.timestamp,
        });
      }
      return true;
    }
    this.items.push(itemOfPrint(entry));
    return true;
  }

  /** Applies several entries; returns how many were new. */
  addAll(entries: Iterable<OutputEntry>): number {
    let n = 0;
    for (const e of entries) {
      if (this.add(e)) {
        n++;
      }
    }
    return n;
  }

  /** The input request still waiting for an answer, if the transcript has one. */
  pendingInput(requestId: string | null): InputItem | null {
    if (!requestId) {
      return null;
    }
    const at = this.inputByRequest.get(requestId);
    const item = at === undefined ? null : (this.items[at] as InputItem);
    return item && !item.answered ? item : null;
  }
}

function itemOfPrint(entry: OutputEntry): Item {
  const data = entry.data;
  if (typeof data === 'string') {
    return { kind: 'log', key: entry.id, ids: [entry.id], text: data, timestamp: entry.timestamp };
  }
  const event = isObject(data) ? data : null;
  const type = event && typeof event.type === 'string' ? event.type : 'event';
  const content = event && isObject(event.content) ? event.content : {};
  if (type === 'text') {
    return {
      kind: 'chat', key: entry.id, ids: [entry.id],
      sender: nameOf(content, 'sender'), recipient: nameOf(content, 'recipient'),
      text: messageText(content.content), timestamp: entry.timestamp,
    };
  }
  if (type === 'print' && Array.isArray(content.objects)) {
    const sep = typeof content.sep === 'string' ? content.sep : ' ';
    const end = typeof content.end === 'string' ? content.end : '\n';
    return {
      kind: 'log', key: entry.id, ids: [entry.id], text: content.objects.map(String).join(sep) + end,
      timestamp: entry.timestamp,
    };
  }
  // waldiez's own structured prints (no ag2 event type), e.g. {"participants": [...]} at the start.
  const title = event && !('type' in event) && Array.isArray(event.participants)
    ? `participants: ${event.participants.map((p: any) => p?.name ?? '?').join(', ')}`
    : eventTitle(type, content);
  return {
    kind: 'event', key: entry.id, ids: [entry.id], eventType: type, title,
    detail: event ? (event.content ?? event) : data, timestamp: entry.timestamp,
  };
}

/** ag2 writes sender/recipient; some versions write sender_name / recipient_name / speaker_name. */
function nameOf(content: Record<string, any>, field: 'sender' | 'recipient'): string {
  const v = content[field] ?? content[`${field}_name`] ?? (field === 'sender' ? content.speaker_name ?? content.speaker : undefined);
  if (isObject(v) && typeof v.name === 'string') {
    return v.name;
  }
  return v == null ? '' : String(v);
}

/** A text event's content: a string, or a list of multimodal parts of which the text ones are kept. */
export function messageText(content: unknown): string {
  if (content == null) {
    return '';
  }
  if (typeof content === 'string') {
    return content;
  }
  if (Array.isArray(content)) {
    return content
      .map((part) => {
        if (isObject(part) && part.type === 'text' && typeof part.text === 'string') {
          return part.text;
        }
        if (isObject(part) && typeof part.type === 'string') {
          return `[${part.type.replace(/_url$/, '')}]`;
        }
        return typeof part === 'string' ? part : JSON.stringify(part);
      })
      .join('\n');
  }
  return JSON.stringify(content, null, 2);
}

/** One line saying what an event is, e.g. "tool call: search(query=…)" or "termination: max turns". */
export function eventTitle(type: string, c: Record<string, any>): string {
  const route = c.sender && c.recipient ? ` (${nameOf(c, 'sender')} → ${nameOf(c, 'recipient')})` : '';
  switch (type) {
    case 'tool_call':
    case 'function_call': {
      const calls: any[] = Array.isArray(c.tool_calls) ? c.tool_calls : c.function_call ? [{ function: c.function_call }] : [];
      const names = calls.map((t) => t?.function?.name ?? '?').join(', ');
      return `${type === 'tool_call' ? 'tool call' : 'function call'}: ${names || '?'}${route}`;
    }
    case 'tool_response':
    case 'function_response':
      return `${type === 'tool_response' ? 'tool response' : 'function response'}${route}`;
    case 'execute_function':
      return `executing ${c.func_name ?? 'function'}`;
    case 'executed_function':
      return `executed ${c.func_name ?? 'function'}${c.is_exec_success === false ? ' (failed)' : ''}`;
    case 'termination':
      return `termination: ${c.termination_reason ?? ''}`.trim();
    case 'run_completion':
      return 'run completed';
    case 'error':
      return `error: ${typeof c.error === 'string' ? c.error : JSON.stringify(c.error)}`;
    case 'using_auto_reply':
      return `auto reply${route}`;
    case 'post_carryover_processing': {
      const info = isObject(c.chat_info) ? c.chat_info : {};
      const s = isObject(info.sender) ? info.sender.name : info.sender;
      const r = isObject(info.recipient) ? info.recipient.name : info.recipient;
      return s && r ? `chat starts: ${s} → ${r}` : 'chat starts';
    }
    default:
      return type.replace(/_/g, ' ') + route;
  }
}

function textOf(v: unknown): string {
  return typeof v === 'string' ? v : v == null ? '' : JSON.stringify(v);
}
