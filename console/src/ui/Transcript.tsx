/**
 * The conversation: agents' messages as chat bubbles (sender → recipient, safe markdown), events
 * folded, prints as log lines, input requests answered in place. Only the newest WINDOW items are
 * in the DOM at first ("Show earlier" adds more), so a task with thousands of entries paints at once;
 * items are memoized by identity, so a new entry renders one element.
 */
import { memo } from 'preact/compat';
import { useLayoutEffect, useRef, useState } from 'preact/hooks';
import { renderMarkdown } from '../markdown';
import type { ChatItem, EventItem, InputItem, Item, LogItem, Transcript } from '../transcript';
import { formatTime } from './common';

export const WINDOW = 100;

export interface InputHandler {
  pendingRequestId: string | null;
  answer(requestId: string, data: string): Promise<string | null>;
}

export function TranscriptView({ transcript, version, input, live }: {
  transcript: Transcript; version: number; input: InputHandler | null; live: boolean;
}) {
  const [windowSize, setWindowSize] = useState(WINDOW);
  const [showEvents, setShowEvents] = useState(true);
  const [showLog, setShowLog] = useState(true);
  const box = useRef<HTMLDivElement>(null);
  const stick = useRef(true);

  const items = transcript.items;
  const start = Math.max(0, items.length - windowSize);
  const shown = items.slice(start).filter((i) => (i.kind !== 'event' || showEvents) && (i.kind !== 'log' || showLog));

  // Follow the newest entry while the reader is at the bottom. Entries off screen are laid out with
  // an estimated height (content-visibility), so the scroll is repeated for two frames as real
  // heights arrive; scroll events meanwhile are ours, not the reader's.
  const following = useRef(0);
  useLayoutEffect(() => {
    const el = box.current;
    if (!el || !stick.current) return;
    const toBottom = () => {
      el.scrollTop = el.scrollHeight;
    };
    following.current++;
    toBottom();
    requestAnimationFrame(() => {
      toBottom();
      requestAnimationFrame(() => {
        toBottom();
        following.current--;
      });
    });
  }, [version, showEvents, showLog]);

  return (
    <div class="transcript-wrap">
      <div class="transcript-tools">
        <span class="muted" aria-live="polite">{transcript.size} entr{transcript.size === 1 ? 'y' : 'ies'}{live ? ' · live' : ''}</span>
        <label class="check"><input type="checkbox" checked={showEvents} onChange={(e) => setShowEvents((e.target as HTMLInputElement).checked)} /> events</label>
        <label class="check"><input type="checkbox" checked={showLog} onChange={(e) => setShowLog((e.target as HTMLInputElement).checked)} /> log</label>
      </div>
      <div class="transcript" ref={box} tabIndex={0} role="log" aria-label="Conversation"
        data-entries={transcript.size} data-last-id={transcript.lastId ?? ''}
        onScroll={(e) => {
          if (following.current > 0) return;
          const el = e.currentTarget as HTMLDivElement;
          stick.current = el.scrollHeight - el.scrollTop - el.clientHeight < 40;
        }}>
        {start > 0 && (
          <button type="button" class="earlier" onClick={() => { stick.current = false; setWindowSize(windowSize + 500); }}>
            Show {Math.min(500, start)} earlier of {start}
          </button>
        )}
        {transcript.size === 0 && <p class="muted">Nothing yet.</p>}
        {shown.map((item) => <ItemView key={item.key} item={item} input={input} />)}
      </div>
    </div>
  );
}

const ItemView = memo(function ItemView({ item, input }: { item: Item; input: InputHandler | null }) {
  switch (item.kind) {
    case 'chat':
      return <Chat item={item} />;
    case 'event':
      return <EventView item={item} />;
    case 'log':
      return <Log item={item} />;
    case 'input':
      return <Input item={item} input={input} />;
  }
}, (a, b) => a.item === b.item && (a.item.kind !== 'input' || a.input?.pendingRequestId === b.input?.pendingRequestId));

function ids(item: Item) {
  return item.ids.join(' ');
}

function Chat({ item }: { item: ChatItem }) {
  return (
    <article class="entry chat" data-ids={ids(item)}>
      <header>
        <strong class="sender">{item.sender || 'agent'}</strong>
        {item.recipient && <span class="recipient"> → {item.recipient}</span>}
        <time class="muted small">{formatTime(item.timestamp / 1000)}</time>
      </header>
      <div class="md" dangerouslySetInnerHTML={{ __html: renderMarkdown(item.key, item.text) }} />
    </article>
  );
}

function EventView({ item }: { item: EventItem }) {
  const [open, setOpen] = useState(false);
  return (
    <details class={`entry event event-${item.eventType}`} data-ids={ids(item)}
      onToggle={(e) => setOpen((e.currentTarget as HTMLDetailsElement).open)}>
      <summary>{item.title}</summary>
      {open && <pre>{JSON.stringify(item.detail, null, 2)}</pre>}
    </details>
  );
}

function Log({ item }: { item: LogItem }) {
  return <pre class="entry log" data-ids={ids(item)}>{item.text.replace(/\n$/, '')}</pre>;
}

function Input({ item, input }: { item: InputItem; input: InputHandler | null }) {
  const [value, setValue] = useState('');
  const [error, setError] = useState('');
  const [sending, setSending] = useState(false);
  const pending = !item.answered && input !== null && input.pendingRequestId === item.requestId;
  const fieldId = `answer-${item.requestId}`;

  const submit = async (e: Event) => {
    e.preventDefault();
    if (!input) return;
    setSending(true);
    setError((await input.answer(item.requestId, value)) ?? '');
    setSending(false);
  };

  return (
    <div class={`entry input${pending ? ' pending' : ''}`} data-ids={ids(item)} data-request-id={item.requestId}>
      {item.prompt && <p class="prompt">{item.prompt}</p>}
      {item.answered && <p class="answer">↳ {item.answer === '' ? <em class="muted">(no input)</em> : item.answer}</p>}
      {!item.answered && !pending && <p class="muted small">waiting for an answer…</p>}
      {pending && (
        <form onSubmit={submit} class="answer-form">
          <label for={fieldId} class="sr-only">Your answer{item.password ? ' (hidden)' : ''}</label>
          <input id={fieldId} type={item.password ? 'password' : 'text'} autoComplete="off" value={value} autoFocus
            onInput={(e) => setValue((e.target as HTMLInputElement).value)} placeholder={item.password ? 'secret answer' : 'your answer'} />
          <button type="submit" class="primary" disabled={sending}>Send</button>
          {error && <p class="alert alert-error" role="alert">{error}</p>}
        </form>
      )}
    </div>
  );
}
