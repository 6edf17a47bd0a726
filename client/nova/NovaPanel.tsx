import { useDataspace } from '../room/DataspaceContext.ts';

/** Nova's suggestions for this dataspace, and notifications as they arrive (presence room). */
export function NovaPanel() {
  const nova = useDataspace((s) => s.nova);
  const notifications = useDataspace((s) => s.notifications);
  return (
    <section className="panel nova" aria-label="Nova">
      <h2>Nova</h2>
      <ul>
        {(nova?.suggestions ?? []).map((s) => (
          <li key={s.id} data-severity={s.severity}>
            {s.title}
          </li>
        ))}
        {nova && nova.suggestions.length === 0 && <li>No suggestion right now.</li>}
      </ul>
      <h3>Notifications</h3>
      <ul aria-label="Notifications">
        {notifications.slice(0, 5).map((n) => (
          <li key={n.id}>{n.title}</li>
        ))}
      </ul>
    </section>
  );
}
