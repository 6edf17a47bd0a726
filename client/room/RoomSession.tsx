import { Suspense, lazy, useEffect, useState } from 'react';
import { useStore } from 'zustand';
import { createStore } from 'zustand/vanilla';
import type { Dataspace } from '../api/chenuApi.ts';
import { App } from '../app/App.tsx';
import { clientStore, locomotion } from '../app/clientStore.ts';
import { createBureauStore } from '../bureau/bureauStore.ts';
import { showTab } from '../hud/hudStore.ts';
import { roomRefusal, toUiError, type UiError } from '../i18n/uiError.ts';
import { joinMeeting } from '../meetings/meetingFeed.ts';
import { createMeetingsStore } from '../meetings/meetingStore.ts';
import { joinSpatialRoom, type ColyseusRoomFeed, type FeedStatusState } from '../net/colyseusRoomFeed.ts';
import { joinPresence } from '../net/presenceFeed.ts';
import { realtimeUrl } from '../net/realtimeEnv.ts';
import { useSession, useSessionStore } from '../session/SessionContext.ts';
import { createSpatialStore } from '../spatial/spatialStore.ts';
import { createRoomStore } from '../state/roomStore.ts';
import { DataspaceContext } from './DataspaceContext.ts';
import type { ChenuDebugHandle } from './debugHandle.ts';
import { createDataspaceStore } from './dataspaceStore.ts';
import { applyAgentStream } from '../threads/agentStreams.ts';
import { reloadFor } from './dbEvents.ts';
import { presentMode } from './ModePublisher.tsx';
import { restoreOwnPlace } from './restoreOwnPlace.ts';
import { RoomFailure } from './RoomFailure.tsx';
import { RoomHud } from './RoomHud.tsx';
import { useThreadAddress } from './useThreadAddress.ts';
import { attachPushToTalk } from '../voice/pushToTalk.ts';
import { VoiceAudio } from '../voice/VoiceAudio.tsx';
import { createVoiceSession, type VoiceSession } from '../voice/voiceSession.ts';
import { voiceStore } from '../voice/voiceStore.ts';

/** Wait before the one retry of a refused presence join (see the join below). */
const PRESENCE_RETRY_MS = 600;
/** A burst of memory/workspace changes (an import, an agent's batch) reloads the room once. */
const SPATIAL_REFRESH_MS = 250;

const ThreadPanel3D = lazy(() => import('../threads/ThreadPanel3D.tsx'));
// the bureau as a uikit panel: its own chunk, XR only (the 2D bureau is its own screen)
const BureauPanel3D = lazy(() => import('../bureau/BureauPanel3D.tsx'));
// the joined meeting's floor control for a headset (raise hand, queue): uikit, its own chunk, XR only
const MeetingPanel3D = lazy(() => import('../meetings/MeetingPanel3D.tsx'));
// the room's memory wall, workspaces, thread panels and meeting table: uikit, its own chunk, every mode
const SpatialRoom = lazy(() => import('../spatial/SpatialRoom.tsx'));

/** Status shown before the room is joined. */
const idleStatus = createStore<FeedStatusState>()(() => ({ status: 'connected', reason: null }));

/** A tab's Nova session: one per page load. */
const NOVA_SESSION = `web-${crypto.randomUUID()}`;

/**
 * A dataspace as a room: joins its SpatialRoom and the identity's presence channel with the session
 * token, loads threads/tokens/Nova, meetings, memory items and workspaces, and renders the room
 * (memory wall, workspaces, thread panels, meeting table in every mode) with its HUD (and the 3D
 * thread and bureau panels in XR). The open thread follows the address (`/d/<ds>/t/<thread>`) both
 * ways, so back and forward move between threads; `/m/<meeting>` joins that meeting.
 */
export function RoomSession({
  dataspace,
  threadId,
  meetingId,
}: {
  dataspace: Dataspace;
  threadId: string | null;
  meetingId: string | null;
}) {
  const session = useSessionStore();
  const token = useSession((s) => s.accessToken)!;
  const identityId = useSession((s) => s.activeIdentityId)!;
  const [ds] = useState(() => createDataspaceStore(session.api));
  const [room] = useState(createRoomStore);
  const [spatial] = useState(() => createSpatialStore(session.api));
  const [bureau] = useState(() => createBureauStore(session.api));
  // the token at join time: the rooms check it once, at the door
  const [meetings] = useState(() =>
    createMeetingsStore(session.api, (id) => joinMeeting(realtimeUrl(), token, id)),
  );
  const [feed, setFeed] = useState<ColyseusRoomFeed | null>(null);
  const [voice, setVoice] = useState<VoiceSession | null>(null);
  const [failure, setFailure] = useState<UiError | null>(null);
  const status = useStore(feed?.status ?? idleStatus);
  const xrStatus = useStore(clientStore, (s) => s.xrStatus);

  useEffect(() => {
    if (threadId) ds.setState({ openThreadId: threadId });
    void ds.load(dataspace, NOVA_SESSION);
    void meetings.load(dataspace.id);
    void spatial.load(dataspace.id);
    void bureau.load(dataspace.sphere_id);
    return () => void meetings.leave();
    // the room is keyed by dataspace: threadId is followed by the effect below
  }, [ds, meetings, spatial, bureau, dataspace]);

  useThreadAddress(ds, dataspace.id, threadId);
  // `/m/<meeting>`: join it once the room is there, and show the meetings tab
  useEffect(() => {
    if (!meetingId) return;
    showTab('meetings');
    void meetings.join(meetingId);
  }, [meetings, meetingId]);

  useEffect(() => {
    let live: ColyseusRoomFeed | null = null;
    let cancelled = false;
    const offs: (() => void)[] = [];
    joinSpatialRoom({
      endpoint: realtimeUrl(),
      accessToken: token,
      dataspaceId: dataspace.id,
      mode: presentMode(),
    }).then(
      (f) => {
        if (cancelled) return void f.leave();
        live = f;
        // a returning person stands where they stood when they last left this room
        offs.push(restoreOwnPlace(f, locomotion));
        // another participant's (or an agent's) change in this dataspace: read the thread again, and
        // the memory wall and workspaces once a burst of changes has settled
        let spatialTimer: ReturnType<typeof setTimeout> | undefined;
        offs.push(
          f.onDbEvent((e) => {
            if (applyAgentStream(e)) return;
            const reload = reloadFor(e);
            if (reload.threadId) void ds.refreshThread(reload.threadId);
            if (reload.spatial) {
              clearTimeout(spatialTimer);
              spatialTimer = setTimeout(() => void spatial.refresh(), SPATIAL_REFRESH_MS);
            }
          }),
          () => clearTimeout(spatialTimer),
          f.onRefusal((e) => clientStore.setState({ notice: roomRefusal(e) })),
        );
        // the room's voice rides on this connection; the lobby shows until the participant joins it
        voiceStore.setState(voiceStore.getInitialState());
        const v = createVoiceSession(f.voice, voiceStore);
        offs.push(attachPushToTalk(voiceStore), () => v.dispose());
        setVoice(v);
        setFeed(f);
        // read-only handle for end-to-end tests and debugging in the console
        const handle: ChenuDebugHandle = {
          room,
          feed: f,
          dataspace: ds,
          spatial,
          meetings,
          locomotion,
          voice: v,
        };
        Object.assign(globalThis, { __chenu: handle });
      },
      (error: unknown) => !cancelled && setFailure(toUiError(error)),
    );
    // the identity's presence room is one per identity: a page reloaded while the previous page's
    // room is closing can be refused once; one retry a moment later finds the new room
    const presence = joinPresence(realtimeUrl(), token, identityId)
      .catch(() =>
        new Promise((r) => setTimeout(r, PRESENCE_RETRY_MS)).then(() =>
          joinPresence(realtimeUrl(), token, identityId),
        ),
      )
      .then(
        (p) => (offs.push(p.onChange((snap) => ds.applyPresence(snap))), p),
        () => null, // live notifications are a bonus: the HUD still reads the API
      );
    return () => {
      cancelled = true;
      for (const off of offs) off();
      void live?.leave();
      void presence.then((p) => p?.leave());
    };
    // joined once per dataspace and identity; a refreshed token keeps the joined rooms
  }, [ds, room, spatial, identityId, dataspace.id]);

  if (failure) return <RoomFailure error={failure} />;
  if (!feed) return <RoomFailure entering name={dataspace.name} />;
  const immersive = xrStatus === 'immersive-vr' || xrStatus === 'immersive-ar';
  return (
    <DataspaceContext.Provider value={ds}>
      <App
        feed={feed}
        store={room}
        scene={
          <>
            <Suspense fallback={null}>
              <SpatialRoom spatial={spatial} dataspace={ds} meetings={meetings} room={room} />
            </Suspense>
            {voice && <VoiceAudio session={voice} />}
            {immersive && (
              <DataspaceContext.Provider value={ds}>
                <Suspense fallback={null}>
                  <ThreadPanel3D />
                  <BureauPanel3D bureau={bureau} dataspace={ds} />
                  <MeetingPanel3D meetings={meetings} />
                </Suspense>
              </DataspaceContext.Provider>
            )}
          </>
        }
        hud={
          <RoomHud
            dataspace={dataspace}
            connection={status}
            room={room}
            meetings={meetings}
            spatial={spatial}
            voice={voice}
          />
        }
      />
    </DataspaceContext.Provider>
  );
}
