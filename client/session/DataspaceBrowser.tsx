import { useState } from 'react';
import { PlansPanel } from '../plans/PlansPanel.tsx';
import { ReviewsPanel } from '../reviews/ReviewsPanel.tsx';
import { IdentitySwitcher } from './IdentitySwitcher.tsx';
import { useSession, useSessionStore } from './SessionContext.ts';

/** Spheres of the active identity and the dataspaces of the chosen sphere; opening one enters its room. */
export function DataspaceBrowser() {
  const session = useSessionStore();
  const spheres = useSession((s) => s.spheres);
  const sphereId = useSession((s) => s.sphereId);
  const dataspaces = useSession((s) => s.dataspaces);
  const error = useSession((s) => s.error);
  const email = useSession((s) => s.email);
  const [plansOpen, setPlansOpen] = useState(false);
  return (
    <section className="panel browser" aria-label="Dataspaces">
      <header>
        <IdentitySwitcher />
        <span className="who">{email}</span>
        <button type="button" aria-pressed={plansOpen} onClick={() => setPlansOpen(!plansOpen)}>
          Plans
        </button>
        <button type="button" onClick={() => void session.signOut()}>
          Sign out
        </button>
      </header>
      {plansOpen && <PlansPanel />}
      <ReviewsPanel />
      <nav aria-label="Spheres">
        {spheres.map((s) => (
          <button
            key={s.id}
            type="button"
            aria-pressed={s.id === sphereId}
            onClick={() => void session.selectSphere(s.id)}
          >
            {s.name}
          </button>
        ))}
      </nav>
      <ul className="dataspaces">
        {dataspaces.map((d) => (
          <li key={d.id}>
            <button type="button" onClick={() => session.openDataspace(d)}>
              {d.name}
            </button>
            {d.description && <small>{d.description}</small>}
          </li>
        ))}
        {dataspaces.length === 0 && <li>No dataspace in this sphere.</li>}
      </ul>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}
