import { useTranslation } from 'react-i18next';
import { useStore } from 'zustand';
import { errorText } from '../i18n/uiError.ts';
import { VoiceControls } from './VoiceControls.tsx';
import { VoiceLobby } from './VoiceLobby.tsx';
import { VoiceModeration } from './VoiceModeration.tsx';
import type { VoiceSession } from './voiceSession.ts';
import type { VoiceStore } from './voiceStore.ts';

/**
 * The voice tab of the room's dock: the lobby until joined, then the controls; a moderator's list of
 * people to mute (joined to the voice or not); the last failure.
 */
export function VoicePanel({ store, session }: { store: VoiceStore; session: VoiceSession }) {
  const { t, i18n } = useTranslation();
  const phase = useStore(store, (s) => s.phase);
  const error = useStore(store, (s) => s.error);
  const canModerate = useStore(store, (s) => s.canModerate);
  return (
    <div className="voice-panel" data-phase={phase}>
      {phase === 'live' ? (
        <VoiceControls store={store} session={session} />
      ) : (
        <VoiceLobby store={store} session={session} />
      )}
      {canModerate && <VoiceModeration store={store} session={session} />}
      {error && (
        <p className="voice-error" role="alert">
          {errorText(t, i18n, error)}
        </p>
      )}
    </div>
  );
}
