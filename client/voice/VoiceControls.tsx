import { useStore } from 'zustand';
import { DeviceSelect } from './DeviceSelect.tsx';
import { micMessage } from './micMessage.ts';
import type { VoiceSession } from './voiceSession.ts';
import type { VoiceStore } from './voiceStore.ts';
import { voiceText } from './voiceText.ts';

/** In the voice: mute, push-to-talk, device, leave; a moderator also gets "mute everyone". */
export function VoiceControls({ store, session }: { store: VoiceStore; session: VoiceSession }) {
  const muted = useStore(store, (s) => s.muted);
  const mutedByHost = useStore(store, (s) => s.mutedByHost);
  const pushToTalk = useStore(store, (s) => s.pushToTalk);
  const talking = useStore(store, (s) => s.talking);
  const mic = useStore(store, (s) => s.mic);
  const canModerate = useStore(store, (s) => s.canModerate);
  const message = micMessage(mic);
  return (
    <section
      className="voice-controls"
      aria-label={voiceText.lobbyTitle}
      data-talking={pushToTalk && talking}
    >
      <div className="voice-actions">
        <button
          type="button"
          aria-pressed={muted}
          disabled={mic !== 'ok'}
          onClick={() => store.setState({ muted: !muted })}
        >
          {muted ? voiceText.unmute : voiceText.mute}
        </button>
        <label>
          <input
            type="checkbox"
            checked={pushToTalk}
            onChange={(e) => store.setState({ pushToTalk: e.target.checked, talking: false })}
          />
          {voiceText.pushToTalk}
        </label>
        {canModerate && (
          <button type="button" onClick={() => session.muteAll(true)}>
            {voiceText.muteAll}
          </button>
        )}
        <button type="button" onClick={() => session.leave()}>
          {voiceText.leave}
        </button>
      </div>
      {pushToTalk && <p className="hint">{talking ? voiceText.talking : voiceText.pushToTalkHint}</p>}
      {mutedByHost && (
        <p className="voice-mic-message" role="status">
          {voiceText.mutedByHost}
        </p>
      )}
      {message && (
        <p className="voice-mic-message" role="alert">
          {message}
        </p>
      )}
      <DeviceSelect store={store} session={session} />
    </section>
  );
}
