/**
 * A task's status timeline: what the task row says (created, started, finished and why) merged with
 * the transitions seen live (status frames) and the waits for input in the transcript. Pure.
 */
import type { StatusFrame } from './frames';
import type { Item } from './transcript';

export interface TimelineTask {
  status: string;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
  status_reason: string | null;
}

export interface TimelineEntry {
  /** ms since the epoch */
  at: number;
  status: string;
  note: string;
}

export function timelineOf(task: TimelineTask, frames: StatusFrame[], items: Item[]): TimelineEntry[] {
  const out: TimelineEntry[] = [];
  out.push({ at: Date.parse(task.created_at), status: 'PENDING', note: 'submitted' });
  if (task.started_at) {
    out.push({ at: Date.parse(task.started_at), status: 'RUNNING', note: 'runner started' });
  }
  for (const item of items) {
    if (item.kind === 'input' && item.prompt !== '' && item.timestamp > 0) {
      out.push({ at: item.timestamp / 1000, status: 'WAITING_FOR_INPUT', note: item.prompt.trim() || 'input requested' });
    }
  }
  for (const f of frames) {
    const at = f.updatedAt ? Date.parse(f.updatedAt) : f.timestamp / 1000;
    if (f.status !== 'PENDING' && f.status !== 'WAITING_FOR_INPUT' && !isFinalStatus(f.status)) {
      out.push({ at, status: f.status, note: '' });
    }
  }
  if (task.finished_at && isFinalStatus(task.status)) {
    out.push({ at: Date.parse(task.finished_at), status: task.status, note: task.status_reason ?? '' });
  }
  out.sort((a, b) => a.at - b.at);
  // The same transition seen twice (row and frame, or two frames) within a second shows once.
  return out.filter((e, i) => {
    const prev = out[i - 1];
    return !prev || prev.status !== e.status || e.at - prev.at > 1000 || (e.note && e.note !== prev.note);
  });
}

function isFinalStatus(s: string): boolean {
  return s === 'COMPLETED' || s === 'FAILED' || s === 'CANCELLED';
}
