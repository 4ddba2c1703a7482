/** Sign in with client credentials; the secret goes in a POST body and is never kept. */
import { useState } from 'preact/hooks';
import { auth } from '../app';
import type { Audience } from '../auth';
import { Alert, errorMessage } from './common';

export function SignIn({ expect, title }: { expect?: Audience; title?: string }) {
  const [clientId, setClientId] = useState('');
  const [secret, setSecret] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);

  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError('');
    try {
      const s = await auth.signIn(clientId.trim(), secret);
      setSecret('');
      if (expect && s.audience !== expect) {
        setError(`Signed in as a ${s.audience} client; this page needs a ${expect} client.`);
      }
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  const idFor = `signin-${expect ?? 'any'}`;
  return (
    <form class="card signin" onSubmit={submit} aria-labelledby={`${idFor}-title`}>
      <h2 id={`${idFor}-title`}>{title ?? 'Sign in'}</h2>
      <p class="muted">
        With a client's ID and secret{expect ? ` (audience ${expect})` : ''}. On a local server the first
        clients are in <code>var/clients.json</code>.
      </p>
      <label for={`${idFor}-id`}>Client ID</label>
      <input id={`${idFor}-id`} name="client_id" autoComplete="username" required value={clientId}
        onInput={(e) => setClientId((e.target as HTMLInputElement).value)} />
      <label for={`${idFor}-secret`}>Client secret</label>
      <input id={`${idFor}-secret`} name="client_secret" type="password" autoComplete="current-password" required
        value={secret} onInput={(e) => setSecret((e.target as HTMLInputElement).value)} />
      <Alert>{error}</Alert>
      <button type="submit" class="primary" disabled={busy}>{busy ? 'Signing in…' : 'Sign in'}</button>
    </form>
  );
}
