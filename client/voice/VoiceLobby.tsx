import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useStore } from 'zustand';
import { Button } from '../ui/Button.tsx';
import { DeviceSelect } from './DeviceSelect.tsx';
import { MicMeter } from './MicMeter.tsx';
import { micMessageKey } from './micMessage.ts';
import type { VoiceSession } from './voiceSession.ts';
import type { VoiceStore } from './voiceStore.ts';

/**
 * The pre-join lobby: the microphone opens for a level check (device choice beside it), then Join
 * (or Join muted). A refused or missing microphone says so and still lets the participant in, muted.
 */
export function VoiceLobby({ store, session }: { store: VoiceStore; session: VoiceSession }) {
  const { t } = useTranslation();
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
  const message = micMessageKey(mic);
  const joining = phase === 'joining';
  return (
    <section className="voice-lobby" aria-labelledby="voice-title">
      <h2 id="voice-title">{t('voice.title')}</h2>
      <p className="hint">{t('voice.hint')}</p>
      <DeviceSelect store={store} session={session} />
      <MicMeter stream={stream} />
      {message && (
        <p className="voice-mic-message" role="alert">
          {t(message)}
        </p>
      )}
      <div className="voice-actions">
        <Button
          variant="primary"
          size="sm"
          isDisabled={joining}
          onPress={() => void session.join({ muted: false })}
        >
          {joining ? t('voice.joining') : t('voice.join')}
        </Button>
        <Button size="sm" isDisabled={joining} onPress={() => void session.join({ muted: true })}>
          {t('voice.joinMuted')}
        </Button>
      </div>
    </section>
  );
}
