import { useStore } from 'zustand';
import { clientStore } from '../app/clientStore.ts';
import { BureauOverlay } from '../bureau/BureauOverlay.tsx';
import type { BureauStore } from '../bureau/bureauStore.ts';
import { MeetingPanel } from '../meetings/MeetingPanel.tsx';
import type { MeetingsStore } from '../meetings/meetingStore.ts';
import { TokenHud } from '../hud/TokenHud.tsx';
import { SpendChart } from '../hud/SpendChart.tsx';
import { NovaPanel } from '../nova/NovaPanel.tsx';
import { useSession, useSessionStore } from '../session/SessionContext.ts';
import type { RoomStore } from '../state/roomStore.ts';
import { ThreadPanel } from '../threads/ThreadPanel.tsx';
import { VoicePanel } from '../voice/VoicePanel.tsx';
import type { VoiceSession } from '../voice/voiceSession.ts';
import { voiceStore } from '../voice/voiceStore.ts';

/** The desktop overlay of a dataspace room: HUD, thread panel, voice, spend chart, Nova, meetings, bureau. */
export function RoomOverlay({
  connection,
  room,
  meetings,
  bureau,
  voice,
}: {
  connection: string | null;
  room: RoomStore;
  meetings: MeetingsStore;
  bureau: BureauStore;
  voice?: VoiceSession | null;
}) {
  const others = useStore(room, (s) => s.avatars);
  const session = useSessionStore();
  const dataspace = useSession((s) => s.dataspace);
  const xrStatus = useStore(clientStore, (s) => s.xrStatus);
  const immersive = xrStatus === 'immersive-vr' || xrStatus === 'immersive-ar';
  return (
    <div className="room-overlay" data-immersive={immersive}>
      <header className="room-bar">
        <button type="button" onClick={() => session.closeDataspace()}>
          ← Dataspaces
        </button>
        <strong>{dataspace?.name}</strong>
        <TokenHud />
        <span className="participants" aria-label="Participants">
          {others.map((a) => (
            <span key={a.id} style={{ color: a.color }}>
              {a.displayName}
            </span>
          ))}
        </span>
        {connection && (
          <span className="connection" role="status">
            {connection}
          </span>
        )}
      </header>
      <ThreadPanel />
      <aside className="side">
        {voice && <VoicePanel store={voiceStore} session={voice} />}
        <SpendChart />
        <NovaPanel />
        <MeetingPanel meetings={meetings} />
      </aside>
      <BureauOverlay bureau={bureau} />
    </div>
  );
}
