/**
 * Follows one task: first the entries after the last one applied, in one request
 * (GET /api/v1/tasks/{id}/transcript?after=…, far faster than thousands of frames), then its
 * WebSocket (/ws/{id}?after=<last id>) for the rest, live. The same happens after a dropped
 * connection, and after a reload thanks to the transcript cached in sessionStorage, so nothing is
 * lost or repeated. The token travels in headers (the WebSocket's subprotocol `tasks-api, <jwt>`),
 * never in a URL.
 */
import { STORAGE_PREFIX } from './auth';
import { isFinal, parseFrame, type OutputEntry, type StatusFrame } from './frames';
import { Transcript } from './transcript';

export type StreamState = 'connecting' | 'live' | 'reconnecting' | 'ended' | 'failed';

export interface StreamEvents {
  /** The transcript changed (called at most once per animation frame). */
  onTranscript(): void;
  onStatus(frame: StatusFrame): void;
  onState(state: StreamState, detail?: string): void;
  onServerError(message: string): void;
}

/** Delay before reconnect attempt `attempt` (0-based): 0.5 s doubling up to 10 s. */
export function reconnectDelay(attempt: number): number {
  return Math.min(10_000, 500 * 2 ** Math.min(attempt, 5));
}

/** The WebSocket URL for a task, resuming after `lastId` (everything when null). */
export function streamUrl(loc: { protocol: string; host: string }, taskId: string, lastId: string | null): string {
  const scheme = loc.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${loc.host}/ws/${encodeURIComponent(taskId)}?after=${encodeURIComponent(lastId ?? '0')}`;
}

/** While entries arrive closer together than this (ms), rendering waits for the burst to end… */
const BURST_GAP = 20;
/** …but never longer than this (ms), so a long replay still shows progress. */
const MAX_WAIT = 1000;

/** Largest cached transcript (characters of JSON) kept per task; beyond it a reload replays from 0. */
const CACHE_LIMIT = 3_000_000;

export class TranscriptCache {
  constructor(private readonly storage: Storage, private readonly taskId: string) {}

  private get key(): string {
    return `${STORAGE_PREFIX}transcript.${this.taskId}`;
  }

  load(): OutputEntry[] {
    try {
      const raw = this.storage.getItem(this.key);
      const parsed = raw ? JSON.parse(raw) : [];
      return Array.isArray(parsed) ? parsed : [];
    } catch {
      return [];
    }
  }

  save(entries: OutputEntry[]): void {
    try {
      const text = JSON.stringify(entries);
      if (text.length > CACHE_LIMIT) {
        this.storage.removeItem(this.key);
        return;
      }
      this.storage.setItem(this.key, text);
    } catch {
      // Storage full: the next reload replays from the start instead.
      this.storage.removeItem(this.key);
    }
  }

  clear(): void {
    this.storage.removeItem(this.key);
  }
}

export class TaskStream {
  readonly transcript = new Transcript();
  private socket: WebSocket | null = null;
  private attempt = 0;
  private ended = false;
  private closed = false;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private saveTimer: ReturnType<typeof setTimeout> | undefined;
  private frameScheduled = false;
  private lastEntryAt = 0;
  private readonly cache: TranscriptCache;
  private readonly onPageHide = () => this.persist();

  constructor(
    private readonly taskId: string,
    private readonly token: () => Promise<string | null>,
    private readonly events: StreamEvents,
    /** NDJSON of the entries after a cursor (the transcript route); null when it cannot be had. */
    private readonly history: ((after: string) => Promise<string | null>) | null = null,
    storage: Storage = sessionStorage,
  ) {
    this.cache = new TranscriptCache(storage, taskId);
    this.transcript.addAll(this.cache.load());
    addEventListener('pagehide', this.onPageHide);
  }

  start(): void {
    void this.connect();
  }

  /** Sends an answer over the socket; false when it is not open (the caller falls back to REST). */
  send(requestId: string, data: string): boolean {
    if (this.socket?.readyState !== WebSocket.OPEN) {
      return false;
    }
    this.socket.send(JSON.stringify({ type: 'input_response', request_id: requestId, data }));
    return true;
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.retryTimer);
    removeEventListener('pagehide', this.onPageHide);
    this.persist();
    this.socket?.close(1000);
    this.socket = null;
  }

  private async connect(): Promise<void> {
    if (this.closed) {
      return;
    }
    this.events.onState(this.attempt === 0 ? 'connecting' : 'reconnecting');
    await this.catchUp();
    const token = await this.token();
    if (!token) {
      this.events.onState('failed', 'Signed out.');
      return;
    }
    if (this.closed) {
      return;
    }
    const socket = new WebSocket(streamUrl(location, this.taskId, this.transcript.lastId), ['tasks-api', token]);
    this.socket = socket;
    socket.onopen = () => {
      this.attempt = 0;
      this.events.onState('live');
    };
    socket.onmessage = (ev) => this.onMessage(typeof ev.data === 'string' ? ev.data : '');
    socket.onclose = (ev) => {
      if (this.socket !== socket) {
        return;
      }
      this.socket = null;
      this.persist();
      if (this.closed) {
        return;
      }
      if (this.ended || ev.code === 1000) {
        this.ended = true;
        this.events.onState('ended');
        return;
      }
      // Dropped (network, 4008 too slow, server restart) or refused: try again from the last entry.
      const delay = reconnectDelay(this.attempt++);
      this.events.onState('reconnecting', `connection lost (${ev.code}); retrying in ${Math.round(delay / 100) / 10} s`);
      this.retryTimer = setTimeout(() => void this.connect(), delay);
    };
  }

  /** Applies the entries after the last one in one request; on failure the socket replays them instead. */
  private async catchUp(): Promise<void> {
    if (!this.history) {
      return;
    }
    try {
      const text = await this.history(this.transcript.lastId ?? '0');
      let added = 0;
      for (const line of text?.split('\n') ?? []) {
        const frame = line ? parseFrame(line) : null;
        if (frame?.kind === 'output' && this.transcript.add(frame)) {
          added++;
        }
      }
      if (added) {
        this.events.onTranscript();
        this.scheduleSave();
      }
    } catch {
      // the WebSocket replays from the same cursor
    }
  }

  private onMessage(text: string): void {
    const frame = parseFrame(text);
    if (!frame) {
      return;
    }
    if (frame.kind === 'output') {
      if (this.transcript.add(frame)) {
        this.scheduleRender();
        this.scheduleSave();
      }
    } else if (frame.kind === 'status') {
      if (isFinal(frame.status)) {
        this.ended = true;
      }
      this.events.onStatus(frame);
    } else {
      this.events.onServerError(frame.detail ? `${frame.error}: ${frame.detail}` : frame.error);
    }
  }

  /**
   * Many frames can arrive in one burst (a replay of thousands): rendering on every animation frame
   * would render, then drop, items that the next frames push out of view. So while entries keep
   * coming (one within the last BURST_GAP ms) the view waits, up to MAX_WAIT ms; a lone live entry
   * renders within a frame or two.
   */
  private scheduleRender(): void {
    this.lastEntryAt = performance.now();
    if (this.frameScheduled) {
      return;
    }
    this.frameScheduled = true;
    const firstAt = this.lastEntryAt;
    const check = () => {
      const now = performance.now();
      if (now - this.lastEntryAt < BURST_GAP && now - firstAt < MAX_WAIT) {
        setTimeout(check, BURST_GAP);
        return;
      }
      requestAnimationFrame(() => {
        this.frameScheduled = false;
        this.events.onTranscript();
      });
    };
    setTimeout(check, BURST_GAP);
  }

  private scheduleSave(): void {
    if (this.saveTimer === undefined) {
      this.saveTimer = setTimeout(() => this.persist(), 1_000);
    }
  }

  private persist(): void {
    clearTimeout(this.saveTimer);
    this.saveTimer = undefined;
    if (this.transcript.size) {
      this.cache.save(this.transcript.entries);
    }
  }
}
