import { useTranslation } from 'react-i18next';
import { useStore } from 'zustand';
import { Button } from '../ui/Button.tsx';
import type { VoiceParticipant } from './VoiceSignal.ts';
import type { VoiceSession } from './voiceSession.ts';
import type { VoiceStore } from './voiceStore.ts';

/** One person of the room (a moderator's mute holds for all of its devices). */
interface Person {
  readonly identityId: string;
  /** The seat a mute is sent for (any of the person's: the room mutes the identity). */
  readonly sessionId: string;
  readonly name: string;
  readonly isHost: boolean;
  readonly muted: boolean;
  readonly speaking: boolean;
}

function peopleOf(others: readonly VoiceParticipant[]): Person[] {
  const byIdentity = new Map<string, Person>();
  for (const p of others) {
    const known = byIdentity.get(p.identityId);
    byIdentity.set(p.identityId, {
      identityId: p.identityId,
      sessionId: known?.sessionId ?? p.sessionId,
      name: p.displayName,
      isHost: (known?.isHost ?? false) || p.role === 'host',
      muted: (known?.muted ?? false) || p.muted,
      speaking: (known?.speaking ?? false) || p.speaking,
    });
  }
  return [...byIdentity.values()].sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * A moderator's voice controls: mute or unmute one person (the SFU stops forwarding them at once and
 * only a moderator lifts it), or everyone below moderator. The host cannot be muted, so has no button.
 */
export function VoiceModeration({ store, session }: { store: VoiceStore; session: VoiceSession }) {
  const { t } = useTranslation();
  const others = useStore(store, (s) => s.others);
  const people = peopleOf(others);
  return (
    <section className="voice-moderation" aria-labelledby="voice-people-title">
      <h3 id="voice-people-title">{t('voice.people')}</h3>
      <div className="voice-actions">
        <Button size="sm" onPress={() => session.muteAll(true)}>
          {t('voice.muteAll')}
        </Button>
        <Button variant="quiet" size="sm" onPress={() => session.muteAll(false)}>
          {t('voice.unmuteAll')}
        </Button>
      </div>
      {people.length === 0 ? (
        <p className="hint">{t('voice.nobody')}</p>
      ) : (
        <ul className="voice-people">
          {people.map((p) => (
            <li key={p.identityId} data-speaking={p.speaking} data-muted={p.muted}>
              <span className="voice-person">{p.name}</span>
              {p.speaking && <span className="voice-tag">{t('voice.speaking')}</span>}
              {p.muted && <span className="voice-tag">{t('voice.muted')}</span>}
              {!p.isHost && (
                <Button
                  size="sm"
                  variant={p.muted ? 'primary' : 'secondary'}
                  onPress={() => session.mute(p.sessionId, !p.muted)}
                >
                  {p.muted ? t('voice.unmuteOne', { name: p.name }) : t('voice.muteOne', { name: p.name })}
                </Button>
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
