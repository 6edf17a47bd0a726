import { useTranslation } from 'react-i18next';
import { useStore } from 'zustand';
import { SelectField } from '../ui/SelectField.tsx';
import type { VoiceSession } from './voiceSession.ts';
import type { VoiceStore } from './voiceStore.ts';

/** The input device choice (the browser's list; labels appear once a microphone was allowed). */
export function DeviceSelect({ store, session }: { store: VoiceStore; session: VoiceSession }) {
  const { t } = useTranslation();
  const devices = useStore(store, (s) => s.devices);
  const deviceId = useStore(store, (s) => s.deviceId);
  const options = [
    { id: '', label: t('voice.defaultDevice') },
    ...devices.map((d, i) => ({ id: d.deviceId, label: d.label || t('voice.unnamedDevice', { n: i + 1 }) })),
  ];
  return (
    <SelectField
      label={t('voice.device')}
      options={options}
      value={deviceId ?? ''}
      onChange={(id) => void session.setDevice(id || null)}
    />
  );
}
