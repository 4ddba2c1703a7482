/**
 * Signed-in sessions, one per audience (tasks-api for the tasks pages, admin-api for all tasks,
 * clients-api for the clients page). Tokens live in sessionStorage (this tab only, gone when it
 * closes), never the secret; each access token is refreshed through /auth/token/refresh before it
 * expires. Sign-out forgets every session and every cached transcript.
 */

export type Audience = 'tasks-api' | 'admin-api' | 'clients-api';

export interface Session {
  clientId: string;
  audience: Audience;
  accessToken: string;
  refreshToken: string;
  /** ms since the epoch */
  expiresAt: number;
  refreshExpiresAt: number;
}

interface TokensResponse {
  access_token: string;
  refresh_token: string;
  expires_at: string;
  refresh_expires_at: string;
  audience: string;
}

const STORAGE_KEY = 'waldiez.console.sessions';
/** Prefix of every other sessionStorage key the console writes (cleared at sign-out). */
export const STORAGE_PREFIX = 'waldiez.console.';

/**
 * How long to wait before refreshing a token valid until `expiresAt` (issued `lifetimeMs` ago at most):
 * at 80 % of its life, but at least 30 s before it expires, and not sooner than 1 s from now.
 */
export function refreshDelay(expiresAt: number, now: number, lifetimeMs: number): number {
  const margin = Math.max(30_000, lifetimeMs * 0.2);
  return Math.max(1_000, expiresAt - now - margin);
}

export class AuthError extends Error {}

export class Auth {
  private sessions: Partial<Record<Audience, Session>> = {};
  private timers = new Map<Audience, ReturnType<typeof setTimeout>>();
  private listeners = new Set<() => void>();

  constructor(private readonly storage: Storage = sessionStorage) {
    try {
      const saved = JSON.parse(storage.getItem(STORAGE_KEY) ?? '{}');
      for (const s of Object.values(saved) as Session[]) {
        if (s && s.refreshExpiresAt > Date.now()) {
          this.sessions[s.audience] = s;
          this.schedule(s);
        }
      }
    } catch {
      storage.removeItem(STORAGE_KEY);
    }
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  session(audience: Audience): Session | null {
    return this.sessions[audience] ?? null;
  }

  get signedIn(): boolean {
    return Object.keys(this.sessions).length > 0;
  }

  /** Exchanges client credentials for tokens (form body, never the URL). */
  async signIn(clientId: string, clientSecret: string): Promise<Session> {
    const body = new URLSearchParams({ client_id: clientId, client_secret: clientSecret });
    const res = await fetch('/auth/token', { method: 'POST', body });
    if (!res.ok) {
      throw new AuthError(res.status === 401 ? 'Wrong client ID or secret.' : await errorText(res));
    }
    const session = this.store(clientId, await res.json());
    return session;
  }

  /** The access token of an audience, refreshed first if it is about to expire; null if signed out. */
  async token(audience: Audience): Promise<string | null> {
    const s = this.sessions[audience];
    if (!s) {
      return null;
    }
    if (s.expiresAt - Date.now() < 10_000) {
      await this.refresh(audience);
    }
    return this.sessions[audience]?.accessToken ?? null;
  }

  async refresh(audience: Audience): Promise<void> {
    const s = this.sessions[audience];
    if (!s) {
      return;
    }
    try {
      const res = await fetch('/auth/token/refresh', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ refresh_token: s.refreshToken }),
      });
      if (res.status === 401 || res.status === 422) {
        this.forget(audience);
        return;
      }
      if (!res.ok) {
        throw new Error(`refresh answered ${res.status}`);
      }
      this.store(s.clientId, await res.json());
    } catch {
      // Network trouble: try again shortly while the token is still valid.
      const current = this.sessions[audience];
      if (current && current.expiresAt > Date.now()) {
        this.timers.set(audience, setTimeout(() => void this.refresh(audience), 5_000));
      } else {
        this.forget(audience);
      }
    }
  }

  /** Forgets one audience's session (e.g. after a 401). */
  forget(audience: Audience): void {
    clearTimeout(this.timers.get(audience));
    this.timers.delete(audience);
    delete this.sessions[audience];
    this.save();
  }

  /** Forgets every session and everything the console cached in this tab. */
  signOut(): void {
    for (const t of this.timers.values()) {
      clearTimeout(t);
    }
    this.timers.clear();
    this.sessions = {};
    const keys: string[] = [];
    for (let i = 0; i < this.storage.length; i++) {
      const k = this.storage.key(i);
      if (k && k.startsWith(STORAGE_PREFIX)) {
        keys.push(k);
      }
    }
    keys.forEach((k) => this.storage.removeItem(k));
    this.emit();
  }

  private store(clientId: string, t: TokensResponse): Session {
    const audience = t.audience as Audience;
    const session: Session = {
      clientId,
      audience,
      accessToken: t.access_token,
      refreshToken: t.refresh_token,
      expiresAt: Date.parse(t.expires_at),
      refreshExpiresAt: Date.parse(t.refresh_expires_at),
    };
    this.sessions[audience] = session;
    this.schedule(session);
    this.save();
    return session;
  }

  private schedule(s: Session): void {
    clearTimeout(this.timers.get(s.audience));
    const delay = refreshDelay(s.expiresAt, Date.now(), Math.max(0, s.expiresAt - Date.now()));
    this.timers.set(s.audience, setTimeout(() => void this.refresh(s.audience), delay));
  }

  private save(): void {
    this.storage.setItem(STORAGE_KEY, JSON.stringify(this.sessions));
    this.emit();
  }

  private emit(): void {
    this.listeners.forEach((l) => l());
  }
}

/** The readable part of an error answer: `{"detail": "…"}` or a 422 list of `{msg, loc}`. */
export async function errorText(res: Response): Promise<string> {
  try {
    const body = await res.json();
    return detailText(body?.detail) || `${res.status} ${res.statusText}`;
  } catch {
    return `${res.status} ${res.statusText}`;
  }
}

export function detailText(detail: unknown): string {
  if (typeof detail === 'string') {
    return detail;
  }
  if (Array.isArray(detail)) {
    return detail
      .map((d) => {
        const loc = Array.isArray(d?.loc) ? d.loc.filter((p: unknown) => p !== 'body' && p !== 'query').join('.') : '';
        return loc ? `${loc}: ${d?.msg ?? ''}` : String(d?.msg ?? '');
      })
      .join('; ');
  }
  return '';
}
