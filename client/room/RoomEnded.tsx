import { Link } from 'react-aria-components';
import { useTranslation } from 'react-i18next';
import { paths } from '../app/routes.ts';

/**
 * The room closed on this person: their access to the dataspace ended (removed, a link revoked, an
 * elevation over) or a moderator removed them. Says so, and offers the way back.
 */
export function RoomEnded({ name, kicked }: { name: string; kicked: boolean }) {
  const { t } = useTranslation();
  return (
    <main className="screen screen-center">
      <section className="card card-narrow" aria-labelledby="room-ended-title" data-testid="room-ended">
        <h1 id="room-ended-title">{kicked ? t('room.kickedTitle') : t('room.endedTitle', { name })}</h1>
        <p role="alert">{kicked ? t('room.kicked') : t('room.accessEnded')}</p>
        <Link href={paths.home()} className="btn btn-primary btn-md">
          {t('room.backHome')}
        </Link>
      </section>
    </main>
  );
}
