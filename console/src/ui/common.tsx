/** Small shared pieces of the views: hooks, status badge, times, messages. */
import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';

/** Re-renders the caller whenever `subscribe` reports a change. */
export function useSubscription(subscribe: (listener: () => void) => () => void): void {
  const [, setTick] = useState(0);
  useEffect(() => subscribe(() => setTick((t) => t + 1)), [subscribe]);
}

/** Calls `fn` now and every `ms` while the tab is visible; `fn` changes restart the cycle. */
export function usePolling(fn: () => Promise<void> | void, ms: number, deps: unknown[]): void {
  const saved = useRef(fn);
  saved.current = fn;
  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout>;
    const tick = async () => {
      if (stopped) return;
      if (document.visibilityState === 'visible') {
        try {
          await saved.current();
        } catch {
          // the view shows its own errors
        }
      }
      if (!stopped) timer = setTimeout(tick, ms);
    };
    void tick();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, deps);
}

export function StatusBadge({ status }: { status: string }) {
  return <span class={`badge badge-${status.toLowerCase()}`}>{status.replace(/_/g, ' ')}</span>;
}

export function formatTime(iso: string | number | null | undefined): string {
  if (iso == null || iso === '') return '';
  const d = typeof iso === 'number' ? new Date(iso) : new Date(iso);
  return Number.isNaN(d.getTime()) ? '' : d.toLocaleString();
}

export function Alert({ kind = 'error', children }: { kind?: 'error' | 'info'; children: ComponentChildren }) {
  if (!children) return null;
  return (
    <div class={`alert alert-${kind}`} role={kind === 'error' ? 'alert' : 'status'}>
      {children}
    </div>
  );
}

export function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

export const ACTIVE = new Set(['PENDING', 'RUNNING', 'WAITING_FOR_INPUT']);

/** Previous / next through a paged list; `children` adds controls (e.g. page size). */
export function Pager({ label, page, pages, total, noun, onPage, children }: {
  label: string; page: number; pages: number; total: number; noun: string; onPage: (page: number) => void;
  children?: ComponentChildren;
}) {
  return (
    <nav class="pager" aria-label={label}>
      <button type="button" disabled={page <= 1} onClick={() => onPage(page - 1)}>Previous</button>
      <span aria-live="polite">Page {page} of {Math.max(1, pages)} · {total} {noun}{total === 1 ? '' : 's'}</span>
      <button type="button" disabled={page >= pages} onClick={() => onPage(page + 1)}>Next</button>
      {children}
    </nav>
  );
}
