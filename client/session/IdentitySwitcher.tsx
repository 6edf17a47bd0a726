import { useSession, useSessionStore } from './SessionContext.ts';

/** The active identity; switching refreshes the session so the token names the new identity. */
export function IdentitySwitcher() {
  const session = useSessionStore();
  const identities = useSession((s) => s.identities);
  const active = useSession((s) => s.activeIdentityId);
  const busy = useSession((s) => s.busy);
  return (
    <label className="identity-switcher">
      Identity
      <select
        aria-label="Active identity"
        value={active ?? ''}
        disabled={busy}
        onChange={(e) => void session.switchIdentity(e.target.value)}
      >
        {identities.map((i) => (
          <option key={i.id} value={i.id}>
            {i.name}
          </option>
        ))}
      </select>
    </label>
  );
}
