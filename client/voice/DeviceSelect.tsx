import { useStore } from 'zustand';
import type { VoiceSession } from './voiceSession.ts';
import type { VoiceStore } from './voiceStore.ts';
import { voiceText } from './voiceText.ts';

/** The input device choice (the browser's list; labels appear once a microphone was allowed). */
export function DeviceSelect({ store, session }: { store: VoiceStore; session: VoiceSession }) {
  const devices = useStore(store, (s) => s.devices);
  const deviceId = useStore(store, (s) => s.deviceId);
  return (
    <label className="voice-device">
      {voiceText.device}
      <select value={deviceId ?? ''} onChange={(e) => void session.setDevice(e.target.value || null)}>
        <option value="">{voiceText.defaultDevice}</option>
        {devices.map((d) => (
          <option key={d.deviceId} value={d.deviceId}>
            {d.label}
          </option>
        ))}
      </select>
    </label>
  );
}
