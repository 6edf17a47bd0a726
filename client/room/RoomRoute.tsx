import { useEffect, useState } from 'react';
import { Link } from 'react-aria-components';
import { useTranslation } from 'react-i18next';
import { useParams } from 'react-router';
import type { Dataspace } from '../api/chenuApi.ts';
import { PreferencesBar } from '../app/PreferencesBar.tsx';
import { paths } from '../app/routes.ts';
import { Splash } from '../app/Splash.tsx';
import { toUiError, type UiError } from '../i18n/uiError.ts';
import { IdentitySwitcher } from '../session/IdentitySwitcher.tsx';
import { useSession, useSessionStore } from '../session/SessionContext.ts';
import { ErrorNotice } from '../ui/ErrorNotice.tsx';
import { RoomSession } from './RoomSession.tsx';

type Loaded<T> =
  { readonly for: string; readonly value: T } | { readonly for: string; readonly error: UiError };

/** Runs `load` whenever `key` changes (null: nothing to load); a later key wins over a late answer. */
function useLoaded<T>(key: string | null, load: () => Promise<T>): Loaded<T> | null {
  const [state, setState] = useState<Loaded<T> | null>(null);
  useEffect(() => {
    if (key === null) return;
    let live = true;
    load().then(
      (value) => live && setState({ for: key, value }),
      (error: unknown) => live && setState({ for: key, error: toUiError(error) }),
    );
    return () => {
      live = false;
    };
    // `key` names everything `load` reads: a new closure alone is no reason to load again
  }, [key]);
  return state?.for === key ? state : null;
}

/**
 * `/d/<dataspace>`, `/d/<dataspace>/t/<thread>` and `/m/<meeting>`: reads the dataspace (a meeting's
 * own) as the active identity, then opens its room with that thread or meeting. Moving between the
 * dataspace's threads keeps the room joined. Another identity's (or an unknown) dataspace is "not
 * found": the screen says so and offers the identity switcher.
 */
export default function RoomRoute() {
  const { t } = useTranslation();
  const session = useSessionStore();
  const identityId = useSession((s) => s.activeIdentityId);
  const { dataspaceId, threadId, meetingId } = useParams();
  const meeting = useLoaded(!dataspaceId && meetingId ? `${identityId}:${meetingId}` : null, () =>
    session.api.meeting(meetingId!),
  );
  const id = dataspaceId ?? (meeting && 'value' in meeting ? meeting.value.dataspace_id : null);
  const loaded = useLoaded(id ? `${identityId}:${id}` : null, () => session.api.dataspace(id!));
  const target: { dataspace: Dataspace } | { error: UiError } | null =
    meeting && 'error' in meeting
      ? { error: meeting.error }
      : loaded && 'error' in loaded
        ? { error: loaded.error }
        : loaded
          ? { dataspace: loaded.value }
          : null;
  if (!target) return <Splash />;
  if ('error' in target) {
    return (
      <main className="screen screen-center">
        <PreferencesBar />
        <section className="card card-narrow" aria-labelledby="room-missing-title">
          <h1 id="room-missing-title">{t('room.missingTitle')}</h1>
          <ErrorNotice error={target.error} />
          <p className="muted">{t('room.missingHelp')}</p>
          <IdentitySwitcher />
          <Link href={paths.home()} className="btn btn-primary btn-md">
            {t('room.backHome')}
          </Link>
        </section>
      </main>
    );
  }
  return (
    <RoomSession
      key={`${identityId}:${target.dataspace.id}`}
      dataspace={target.dataspace}
      threadId={threadId ?? null}
      meetingId={meetingId ?? null}
    />
  );
}
