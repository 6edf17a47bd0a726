import { useState, type FormEvent } from 'react';
import { describeError } from '../app/sessionStore.ts';
import { supabase } from '../supabaseClient.ts';
import { useSessionStore } from './SessionContext.ts';

/**
 * Whether this page load is the landing of a password-reset link: read once, when the module loads,
 * before supabase-js takes the session out of the URL fragment.
 */
export const RESET_LANDING =
  typeof location !== 'undefined' && new URLSearchParams(location.hash.slice(1)).get('type') === 'recovery';

/**
 * The mailed parts of signing in, beside the password form: create an account (confirmed by the
 * mailed link before a password sign-in works), get a sign-in link, reset a forgotten password (the
 * link lands here; the new password follows the sign-up policy). supabase-js does the calls, against
 * local auth or Supabase Auth alike.
 */
export function MailAuth() {
  const [open, setOpen] = useState(false);
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [notice, setNotice] = useState<string | null>(null);
  const sb = supabase();
  const redirect = `${location.origin}${location.pathname}`;
  const act = (fn: () => Promise<{ error: unknown }>, done: string) => async () => {
    setNotice(null);
    const { error } = await fn();
    setNotice(error ? describeError(error) : done);
  };
  if (!open) {
    return (
      <button type="button" className="mail-auth-open" onClick={() => setOpen(true)}>
        New here, or forgot your password? By mail…
      </button>
    );
  }
  return (
    <div className="panel mail-auth" aria-label="Account by mail">
      <label>
        Email
        <input
          type="email"
          aria-label="Account email"
          value={email}
          onChange={(e) => setEmail(e.target.value)}
        />
      </label>
      <label>
        Password (new account)
        <input
          type="password"
          aria-label="New account password"
          autoComplete="new-password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
        />
      </label>
      <button
        type="button"
        onClick={() =>
          void act(
            () => sb.auth.signUp({ email, password, options: { emailRedirectTo: redirect } }),
            'Check your inbox: confirm your address, then sign in.',
          )()
        }
      >
        Create account
      </button>
      <button
        type="button"
        onClick={() =>
          void act(
            () =>
              sb.auth.signInWithOtp({
                email,
                options: { shouldCreateUser: false, emailRedirectTo: redirect },
              }),
            'If this address has an account, a sign-in link is on its way.',
          )()
        }
      >
        Email me a sign-in link
      </button>
      <button
        type="button"
        onClick={() =>
          void act(
            () => sb.auth.resetPasswordForEmail(email, { redirectTo: redirect }),
            'If this address has an account, a reset link is on its way.',
          )()
        }
      >
        Reset my password
      </button>
      {notice && <p role="status">{notice}</p>}
    </div>
  );
}

/** After a reset link: the person (signed in by the link) chooses a new password, under the sign-up policy. */
export function PasswordReset({ onDone }: { onDone: () => void }) {
  const session = useSessionStore();
  const [password, setPassword] = useState('');
  const [notice, setNotice] = useState<string | null>(null);
  const save = async (e: FormEvent) => {
    e.preventDefault();
    const { error } = await supabase().auth.updateUser({ password });
    if (error) return setNotice(describeError(error));
    await session.resume();
    onDone();
  };
  return (
    <form className="panel mail-auth" aria-label="New password" onSubmit={(e) => void save(e)}>
      <label>
        New password
        <input
          type="password"
          autoComplete="new-password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
        />
      </label>
      <button type="submit">Save the new password</button>
      {notice && (
        <p className="error" role="alert">
          {notice}
        </p>
      )}
    </form>
  );
}
