import { Suspense, lazy, useEffect, useState } from 'react';
import { useStore } from 'zustand';
import { createStore } from 'zustand/vanilla';
import { App } from '../app/App.tsx';
import { clientStore, locomotion } from '../app/clientStore.ts';
import { describeError } from '../app/sessionStore.ts';
import { createBureauStore } from '../bureau/bureauStore.ts';
import { joinSpatialRoom, type ColyseusRoomFeed, type FeedStatusState } from '../net/colyseusRoomFeed.ts';
import { joinMeeting } from '../meetings/meetingFeed.ts';
import { createMeetingsStore } from '../meetings/meetingStore.ts';
import { joinPresence } from '../net/presenceFeed.ts';
import { realtimeUrl } from '../net/realtimeEnv.ts';
import { useSession, useSessionStore } from '../session/SessionContext.ts';
import { SpatialNotice } from '../spatial/SpatialNotice.tsx';
import { createSpatialStore } from '../spatial/spatialStore.ts';
import { createRoomStore } from '../state/roomStore.ts';
import { DataspaceContext } from './DataspaceContext.ts';
import { createDataspaceStore } from './dataspaceStore.ts';
import { RoomOverlay } from './RoomOverlay.tsx';
import { reloadFor } from './dbEvents.ts';
import { attachPushToTalk } from '../voice/pushToTalk.ts';
import { VoiceAudio } from '../voice/VoiceAudio.tsx';
import { createVoiceSession, type VoiceSession } from '../voice/voiceSession.ts';
import { voiceStore } from '../voice/voiceStore.ts';

/** A burst of memory/workspace changes (an import, an agent's batch) reloads the room once. */
const SPATIAL_REFRESH_MS = 250;

const ThreadPanel3D = lazy(() => import('../threads/ThreadPanel3D.tsx'));
// the bureau as a uikit panel: its own chunk, XR only (the 2D bureau is in the overlay)
const BureauPanel3D = lazy(() => import('../bureau/BureauPanel3D.tsx'));
// the room's memory wall, workspaces, thread panels and meeting table: uikit, its own chunk, every mode
const SpatialRoom = lazy(() => import('../spatial/SpatialRoom.tsx'));

/** Status shown before the room is joined. */
const idleStatus = createStore<FeedStatusState>()(() => ({ status: 'connected', reason: null }));

/** A tab's Nova session: one per page load. */
const NOVA_SESSION = `web-${crypto.randomUUID()}`;

/**
 * The open dataspace as a room: joins its SpatialRoom and the identity's presence channel with the
 * session token, loads threads/tokens/Nova, memory items and workspaces, and renders the room (memory
 * wall, workspaces, thread panels, meeting table in every mode) with its overlay (and the 3D thread panel in XR).
 */
export function RoomSession() {
  const session = useSessionStore();
  const dataspace = useSession((s) => s.dataspace)!;
  const token = useSession((s) => s.accessToken)!;
  const identityId = useSession((s) => s.activeIdentityId)!;
  const sphereId = useSession((s) => s.sphereId);
  const [ds] = useState(() => createDataspaceStore(session.api));
  const [room] = useState(createRoomStore);
  const [spatial] = useState(() => createSpatialStore(session.api));
  const [bureau] = useState(() => createBureauStore(session.api));
  const [meetings] = useState(() =>
    createMeetingsStore(session.api, (id) => joinMeeting(realtimeUrl(), token, id)),
  );
  const [feed, setFeed] = useState<ColyseusRoomFeed | null>(null);
  const [voice, setVoice] = useState<VoiceSession | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const status = useStore(feed?.status ?? idleStatus);
  const xrStatus = useStore(clientStore, (s) => s.xrStatus);

  useEffect(() => {
    void ds.load(dataspace, NOVA_SESSION);
    void meetings.load(dataspace.id);
    void spatial.load(dataspace.id);
    return () => void meetings.leave();
  }, [ds, meetings, spatial, dataspace]);

  // the bureau of the active identity in this sphere (its contents load when it is first shown)
  useEffect(() => {
    if (sphereId) void bureau.load(sphereId);
  }, [bureau, sphereId, identityId]);

  useEffect(() => {
    let live: ColyseusRoomFeed | null = null;
    let cancelled = false;
    const offs: (() => void)[] = [];
    joinSpatialRoom({ endpoint: realtimeUrl(), accessToken: token, dataspaceId: dataspace.id }).then(
      (f) => {
        if (cancelled) return void f.leave();
        live = f;
        // another participant's (or an agent's) change in this dataspace: read the thread again, and
        // the memory wall and workspaces once a burst of changes has settled
        let spatialTimer: ReturnType<typeof setTimeout> | undefined;
        offs.push(
          f.onDbEvent((e) => {
            const reload = reloadFor(e);
            if (reload.threadId) void ds.refreshThread(reload.threadId);
            if (reload.spatial) {
              clearTimeout(spatialTimer);
              spatialTimer = setTimeout(() => void spatial.refresh(), SPATIAL_REFRESH_MS);
            }
          }),
          () => clearTimeout(spatialTimer),
          f.onRefusal((e) => clientStore.setState({ notice: `${e.code}: ${e.message}` })),
        );
        // the room's voice rides on this connection; the lobby shows until the participant joins it
        voiceStore.setState(voiceStore.getInitialState());
        const v = createVoiceSession(f.voice, voiceStore);
        offs.push(attachPushToTalk(voiceStore), () => v.dispose());
        setVoice(v);
        setFeed(f);
        // read-only handle for end-to-end tests and debugging in the console
        Object.assign(globalThis, {
          __chenu: { room, feed: f, dataspace: ds, spatial, locomotion, voice: v },
        });
      },
      (error: unknown) => !cancelled && setFailure(describeError(error)),
    );
    const presence = joinPresence(realtimeUrl(), token, identityId).then(
      (p) => (offs.push(p.onChange((snap) => ds.applyPresence(snap))), p),
      () => null, // live notifications are a bonus: the HUD still reads the API
    );
    return () => {
      cancelled = true;
      for (const off of offs) off();
      void live?.leave();
      void presence.then((p) => p?.leave());
    };
  }, [ds, room, spatial, token, identityId, dataspace.id]);

  if (failure) {
    return (
      <div className="panel" role="alert">
        <p>{failure}</p>
        <button type="button" onClick={() => session.closeDataspace()}>
          Back
        </button>
      </div>
    );
  }
  if (!feed) return <p className="panel">Entering {dataspace.name}…</p>;
  const connection =
    status.status === 'reconnecting'
      ? `Reconnecting… (${status.reason ?? ''})`
      : status.status === 'closed'
        ? `Disconnected: ${status.reason ?? ''}`
        : null;
  const immersive = xrStatus === 'immersive-vr' || xrStatus === 'immersive-ar';
  return (
    <DataspaceContext.Provider value={ds}>
      <App
        feed={feed}
        store={room}
        scene={
          <>
            <Suspense fallback={null}>
              <SpatialRoom spatial={spatial} dataspace={ds} meetings={meetings} />
            </Suspense>
            {voice && <VoiceAudio session={voice} />}
            {immersive && (
              <DataspaceContext.Provider value={ds}>
                <Suspense fallback={null}>
                  <ThreadPanel3D />
                  <BureauPanel3D bureau={bureau} dataspace={ds} />
                </Suspense>
              </DataspaceContext.Provider>
            )}
          </>
        }
        overlay={
          <>
            <RoomOverlay
              connection={connection}
              room={room}
              meetings={meetings}
              bureau={bureau}
              voice={voice}
            />
            <SpatialNotice spatial={spatial} />
          </>
        }
      />
    </DataspaceContext.Provider>
  );
}
