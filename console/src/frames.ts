/**
 * The server's live-stream frames (docs/api.md, "Frames"), parsed into typed values.
 * Pure: no DOM, no network, so it is unit-tested in Node.
 */

export type TaskStatus = 'PENDING' | 'RUNNING' | 'WAITING_FOR_INPUT' | 'COMPLETED' | 'FAILED' | 'CANCELLED';

export const STATUSES: TaskStatus[] = ['PENDING', 'RUNNING', 'WAITING_FOR_INPUT', 'COMPLETED', 'FAILED', 'CANCELLED'];
export const FINAL_STATUSES: ReadonlySet<string> = new Set(['COMPLETED', 'FAILED', 'CANCELLED']);

export function isFinal(status: string | null | undefined): boolean {
  return status != null && FINAL_STATUSES.has(status);
}

export interface StatusFrame {
  kind: 'status';
  status: TaskStatus;
  /** µs since the epoch */
  timestamp: number;
  updatedAt: string | null;
  inputRequestId: string | null;
  results: unknown;
}

/** One entry of the task's output stream; `id` is its Redis stream id. */
export interface OutputEntry {
  kind: 'output';
  id: string;
  type: 'print' | 'input_request' | 'input_response' | string;
  /** print: a string, or the parsed ag2 event object/array; input_*: the prompt or answer */
  data: unknown;
  requestId: string | null;
  password: boolean;
  /** µs since the epoch */
  timestamp: number;
}

export interface ErrorFrame {
  kind: 'error';
  error: string;
  detail: string;
}

export type Frame = StatusFrame | OutputEntry | ErrorFrame;

/** Parses one text frame; null for anything that is not a frame of ours (ignored, never thrown). */
export function parseFrame(text: string): Frame | null {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return null;
  }
  if (!isObject(raw) || typeof raw.type !== 'string') {
    return null;
  }
  if (raw.type === 'status') {
    const data = isObject(raw.data) ? raw.data : {};
    if (typeof data.status !== 'string') {
      return null;
    }
    return {
      kind: 'status',
      status: data.status as TaskStatus,
      timestamp: toNumber(raw.timestamp),
      updatedAt: typeof data.updated_at === 'string' ? data.updated_at : null,
      inputRequestId: typeof data.input_request_id === 'string' ? data.input_request_id : null,
      results: data.results ?? null,
    };
  }
  if (raw.type === 'error') {
    return { kind: 'error', error: String(raw.error ?? 'error'), detail: String(raw.detail ?? '') };
  }
  if (typeof raw.id !== 'string' || !isStreamId(raw.id)) {
    return null;
  }
  return {
    kind: 'output',
    id: raw.id,
    type: raw.type,
    data: raw.type === 'print' ? printData(raw.data) : raw.data ?? '',
    requestId: typeof raw.request_id === 'string' ? raw.request_id : null,
    password: raw.password === true || String(raw.password).toLowerCase() === 'true',
    timestamp: toNumber(raw.timestamp),
  };
}

/**
 * A print's data as the WebSocket sends it: JSON text of an object or array (an ag2 event) parsed,
 * anything else as it is. The transcript route and the download carry the text unparsed.
 */
function printData(data: unknown): unknown {
  if (typeof data === 'string' && /^\s*[[{]/.test(data)) {
    try {
      const parsed = JSON.parse(data);
      if (typeof parsed === 'object' && parsed !== null) {
        return parsed;
      }
    } catch {
      // plain text that happens to start with a bracket
    }
  }
  return data ?? '';
}

const STREAM_ID = /^(\d+)-(\d+)$/;

export function isStreamId(id: string): boolean {
  return STREAM_ID.test(id);
}

/** Orders Redis stream ids ("<ms>-<seq>") numerically; negative when a comes first. */
export function compareStreamIds(a: string, b: string): number {
  const ma = STREAM_ID.exec(a);
  const mb = STREAM_ID.exec(b);
  if (!ma || !mb) {
    return a < b ? -1 : a > b ? 1 : 0;
  }
  const [msA, seqA] = [BigInt(ma[1]), BigInt(ma[2])];
  const [msB, seqB] = [BigInt(mb[1]), BigInt(mb[2])];
  if (msA !== msB) {
    return msA < msB ? -1 : 1;
  }
  return seqA < seqB ? -1 : seqA > seqB ? 1 : 0;
}

function toNumber(v: unknown): number {
  const n = typeof v === 'number' ? v : Number(v);
  return Number.isFinite(n) ? n : 0;
}

export function isObject(v: unknown): v is Record<string, any> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
