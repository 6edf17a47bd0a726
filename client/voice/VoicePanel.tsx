import { useStore } from 'zustand';
import { VoiceControls } from './VoiceControls.tsx';
import { VoiceLobby } from './VoiceLobby.tsx';
import type { VoiceSession } from './voiceSession.ts';
import type { VoiceStore } from './voiceStore.ts';

/** The voice in the room's overlay: the lobby until joined, then the controls; the last error. */
export function VoicePanel({ store, session }: { store: VoiceStore; session: VoiceSession }) {
  const phase = useStore(store, (s) => s.phase);
  const error = useStore(store, (s) => s.error);
  return (
    <div className="panel voice-panel" data-phase={phase}>
      {phase === 'live' ? (
        <VoiceControls store={store} session={session} />
      ) : (
        <VoiceLobby store={store} session={session} />
      )}
      {error && (
        <p className="voice-error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
