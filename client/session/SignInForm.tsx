import { useState, type FormEvent } from 'react';
import { useSession, useSessionStore } from './SessionContext.ts';

/** Email + password sign-in through supabase-js (local auth on the gateway, or Supabase Auth). */
export function SignInForm() {
  const session = useSessionStore();
  const busy = useSession((s) => s.busy);
  const error = useSession((s) => s.error);
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void session.signIn(email.trim(), password);
  };
  return (
    <form className="panel sign-in" onSubmit={submit} aria-label="Sign in">
      <h1>CHE·NU</h1>
      <label>
        Email
        <input
          type="email"
          name="email"
          autoComplete="username"
          required
          value={email}
          onChange={(e) => setEmail(e.target.value)}
        />
      </label>
      <label>
        Password
        <input
          type="password"
          name="password"
          autoComplete="current-password"
          required
          value={password}
          onChange={(e) => setPassword(e.target.value)}
        />
      </label>
      <button type="submit" disabled={busy}>
        {busy ? 'Signing in…' : 'Sign in'}
      </button>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
    </form>
  );
}
