import { useEffect, useState } from 'react';
import { useStore } from 'zustand';
import { DeviceSelect } from './DeviceSelect.tsx';
import { MicMeter } from './MicMeter.tsx';
import { micMessage } from './micMessage.ts';
import type { VoiceSession } from './voiceSession.ts';
import type { VoiceStore } from './voiceStore.ts';
import { voiceText } from './voiceText.ts';

/**
 * The pre-join lobby: the microphone opens for a level check (device choice beside it), then Join
 * (or Join muted). A refused or missing microphone says so and still lets the participant in, muted.
 */
export function VoiceLobby({ store, session }: { store: VoiceStore; session: VoiceSession }) {
  const phase = useStore(store, (s) => s.phase);
  const mic = useStore(store, (s) => s.mic);
  const deviceId = useStore(store, (s) => s.deviceId);
  const [stream, setStream] = useState<MediaStream | null>(null);
  useEffect(() => {
    let live = true;
    void session.preview().then((s) => live && setStream(s));
    return () => {
      live = false;
    };
  }, [session, deviceId]);
  const message = micMessage(mic);
  const joining = phase === 'joining';
  return (
    <section className="voice-lobby" aria-label={voiceText.lobbyTitle}>
      <h3>{voiceText.lobbyTitle}</h3>
      <p className="hint">{voiceText.lobbyHint}</p>
      <DeviceSelect store={store} session={session} />
      <MicMeter stream={stream} />
      {message && (
        <p className="voice-mic-message" role="alert">
          {message}
        </p>
      )}
      <div className="voice-actions">
        <button type="button" disabled={joining} onClick={() => void session.join({ muted: false })}>
          {joining ? voiceText.joining : voiceText.join}
        </button>
        <button type="button" disabled={joining} onClick={() => void session.join({ muted: true })}>
          {voiceText.joinMuted}
        </button>
      </div>
    </section>
  );
}
