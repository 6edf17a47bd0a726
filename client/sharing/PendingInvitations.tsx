import { useTranslation } from 'react-i18next';
import { InvitationList } from './InvitationList.tsx';
import { useInbox } from './SharingContext.ts';

/** A titled section of my pending invitations, shown only while some wait (home, onboarding). */
export function PendingInvitations({ level = 2 }: { level?: 2 | 3 }) {
  const { t } = useTranslation();
  const count = useInbox((s) => s.invitations.length);
  const Heading = level === 2 ? 'h2' : 'h3';
  return (
    <section className="stack pending-invitations" aria-labelledby={count > 0 ? 'pending-title' : undefined}>
      {count > 0 && (
        <Heading id="pending-title" className="section-title">
          {t('inbox.waiting', { count })}
        </Heading>
      )}
      <InvitationList emptyHidden />
    </section>
  );
}
