import { useTranslation } from 'react-i18next';
import { useStore } from 'zustand';
import { Button } from '../ui/Button.tsx';
import { DeviceSelect } from './DeviceSelect.tsx';
import { micMessageKey } from './micMessage.ts';
import type { VoiceSession } from './voiceSession.ts';
import type { VoiceStore } from './voiceStore.ts';

/** In the voice: mute, push-to-talk, device, leave (a moderator's controls are VoiceModeration). */
export function VoiceControls({ store, session }: { store: VoiceStore; session: VoiceSession }) {
  const { t } = useTranslation();
  const muted = useStore(store, (s) => s.muted);
  const mutedByHost = useStore(store, (s) => s.mutedByHost);
  const pushToTalk = useStore(store, (s) => s.pushToTalk);
  const talking = useStore(store, (s) => s.talking);
  const mic = useStore(store, (s) => s.mic);
  const message = micMessageKey(mic);
  return (
    <section className="voice-controls" aria-labelledby="voice-title" data-talking={pushToTalk && talking}>
      <h2 id="voice-title">{t('voice.title')}</h2>
      <div className="voice-actions">
        <Button
          variant={muted ? 'primary' : 'secondary'}
          size="sm"
          aria-pressed={muted}
          isDisabled={mic !== 'ok'}
          onPress={() => store.setState({ muted: !muted })}
        >
          {muted ? t('voice.unmute') : t('voice.mute')}
        </Button>
        <label className="voice-ptt">
          <input
            type="checkbox"
            checked={pushToTalk}
            onChange={(e) => store.setState({ pushToTalk: e.target.checked, talking: false })}
          />
          {t('voice.pushToTalk')}
        </label>
        <Button variant="quiet" size="sm" onPress={() => session.leave()}>
          {t('voice.leave')}
        </Button>
      </div>
      {pushToTalk && <p className="hint">{talking ? t('voice.talking') : t('voice.pushToTalkHint')}</p>}
      {mutedByHost && (
        <p className="voice-mic-message" role="status">
          {t('voice.mutedByHost')}
        </p>
      )}
      {message && (
        <p className="voice-mic-message" role="alert">
          {t(message)}
        </p>
      )}
      <DeviceSelect store={store} session={session} />
    </section>
  );
}
