import { Suspense, lazy, useEffect, useMemo, useRef, useState } from 'react';
import { worldAnchorStore } from '../state/worldAnchorStore.ts';
import { useStore } from 'zustand';
import { createStore } from 'zustand/vanilla';
import { ROOM_CLOSE } from '../../shared/protocol/spatialProtocol.ts';
import type { Dataspace } from '../api/chenuApi.ts';
import { App } from '../app/App.tsx';
import { clientStore, locomotion } from '../app/clientStore.ts';
import { createBureauStore } from '../bureau/bureauStore.ts';
import { showTab } from '../hud/hudStore.ts';
import { roomRefusal, toUiError, type UiError } from '../i18n/uiError.ts';
import { joinMeeting } from '../meetings/meetingFeed.ts';
import { createMeetingsStore } from '../meetings/meetingStore.ts';
import { joinSpatialRoom, type ColyseusRoomFeed, type FeedStatusState } from '../net/colyseusRoomFeed.ts';
import { realtimeUrl } from '../net/realtimeEnv.ts';
import { createPeopleStore, type PeopleStore } from '../people/peopleStore.ts';
import { useSharing } from '../sharing/SharingContext.ts';
import { useSession, useSessionStore } from '../session/SessionContext.ts';
import { createSpatialStore } from '../spatial/spatialStore.ts';
import { createRoomStore } from '../state/roomStore.ts';
import { exitXR } from '../xr/xrLoader.ts';
import { DataspaceContext } from './DataspaceContext.ts';
import type { ChenuDebugHandle } from './debugHandle.ts';
import { createDataspaceStore } from './dataspaceStore.ts';
import { applyAgentStream } from '../threads/agentStreams.ts';
import { reloadFor } from './dbEvents.ts';
import { presentMode } from './ModePublisher.tsx';
import { restoreOwnPlace } from './restoreOwnPlace.ts';
import { RoomEnded } from './RoomEnded.tsx';
import { RoomFailure } from './RoomFailure.tsx';
import { RoomHud } from './RoomHud.tsx';
import { useThreadAddress } from './useThreadAddress.ts';
import { attachPushToTalk } from '../voice/pushToTalk.ts';
import { VoiceAudio } from '../voice/VoiceAudio.tsx';
import { createVoiceSession, type VoiceSession } from '../voice/voiceSession.ts';
import { voiceStore } from '../voice/voiceStore.ts';
import { PlaceBar } from '../places/PlaceBar.tsx';
import { PlaceContext, placeParts, type PlaceNavigation } from '../places/PlaceContext.ts';
import { WorkspaceEditor } from '../places/WorkspaceEditor.tsx';
import { joinWorkspace, type WorkspaceFeed } from '../places/workspaceFeed.ts';

/** A burst of memory/workspace changes (an import, an agent's batch) reloads the room once. */
const SPATIAL_REFRESH_MS = 250;

const ThreadPanel3D = lazy(() => import('../threads/ThreadPanel3D.tsx'));
// the bureau as a uikit panel: its own chunk, XR only (the 2D bureau is its own screen)
const BureauPanel3D = lazy(() => import('../bureau/BureauPanel3D.tsx'));
// the joined meeting's floor control for a headset (raise hand, queue): uikit, its own chunk, XR only
const MeetingPanel3D = lazy(() => import('../meetings/MeetingPanel3D.tsx'));
const PeoplePanel3D = lazy(() => import('../people/PeoplePanel3D.tsx'));
const SharePanel3D = lazy(() => import('../sharing/SharePanel3D.tsx'));
const TokenHud3D = lazy(() => import('../hud/TokenHud3D.tsx'));
// the room's memory wall, workspaces, thread panels and meeting table: uikit, its own chunk, every mode
const SpatialRoom = lazy(() => import('../spatial/SpatialRoom.tsx'));
// a thread's or workspace's own room (issue 16): its wall or panels and its doors, uikit, own chunk
const PlaceScene = lazy(() => import('../places/PlaceScene.tsx'));

/** Status shown before the room is joined. */
const idleStatus = createStore<FeedStatusState>()(() => ({ status: 'connected', reason: null }));

/** A tab's Nova session: one per page load. */
const NOVA_SESSION = `web-${crypto.randomUUID()}`;

/** Close codes that end the room for this person: the screen says so instead of the room. */
const ENDED = new Set<number>([ROOM_CLOSE.accessEnded, ROOM_CLOSE.kicked]);

/**
 * A dataspace as a room: joins its SpatialRoom with the session token and follows the identity's
 * presence channel (the app's), loads threads/tokens/Nova, meetings, memory items and workspaces,
 * keeps who is here with their roles and the chat (people store), and renders the room
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
  const [people, setPeople] = useState<PeopleStore | null>(null);
  const [failure, setFailure] = useState<UiError | null>(null);
  // the thread or workspace this page stands in as a room of its own; null: the dataspace's room
  const [place, setPlace] = useState<string | null>(null);
  const [workspace, setWorkspace] = useState<WorkspaceFeed | null>(null);
  // the debug handle reads it here: the handle is made again by every join of a spatial room
  const workspaceRef = useRef<WorkspaceFeed | null>(null);
  const { presence } = useSharing();
  const status = useStore(feed?.status ?? idleStatus);
  const xrStatus = useStore(clientStore, (s) => s.xrStatus);

  // the dataspace as the room opened it: the route may hand over a fresh copy of the same dataspace
  // (it reads it again on a new address, e.g. a meeting's), which must neither reload the room nor
  // leave the meeting just joined; a changed role is read again by the dataspace store itself
  const [opened] = useState(dataspace);
  useEffect(() => {
    if (threadId) ds.setState({ openThreadId: threadId });
    void ds.load(opened, NOVA_SESSION);
    void meetings.load(opened.id);
    void spatial.load(opened.id);
    void bureau.load(opened.sphere_id);
    return () => void meetings.leave();
    // the room is keyed by dataspace: threadId is followed by the effect below
  }, [ds, meetings, spatial, bureau, opened]);

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
      place,
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
          // a refused chat line is said beside the chat box (people store)
          f.onRefusal((e) => e.type !== 'chat' && clientStore.setState({ notice: roomRefusal(e) })),
        );
        // the room's voice rides on this connection; the lobby shows until the participant joins it
        voiceStore.setState(voiceStore.getInitialState());
        const v = createVoiceSession(f.voice, voiceStore);
        offs.push(attachPushToTalk(voiceStore), () => v.dispose());
        setVoice(v);
        const who = createPeopleStore(f.room, (cb) => f.onRefusal(cb));
        offs.push(() => who.dispose());
        setFeed(f);
        setPeople(who);
        // read-only handle for end-to-end tests and debugging in the console
        const handle: ChenuDebugHandle = {
          room,
          feed: f,
          dataspace: ds,
          spatial,
          meetings,
          voice: v,
          people: who,
          locomotion,
          get workspace() {
            return workspaceRef.current;
          },
          worldAnchors: worldAnchorStore,
        };
        Object.assign(globalThis, { __chenu: handle });
      },
      (error: unknown) => !cancelled && setFailure(toUiError(error)),
    );
    return () => {
      cancelled = true;
      for (const off of offs) off();
      void live?.leave();
    };
    // joined once per dataspace, place and identity; a refreshed token keeps the joined rooms
  }, [ds, room, spatial, identityId, dataspace.id, place]);

  // a workspace's room also joins its co-editing room (OCW: the panels' shared texts and layout)
  useEffect(() => {
    const parts = placeParts(place);
    if (parts?.kind !== 'workspace') return;
    let joined: WorkspaceFeed | null = null;
    let cancelled = false;
    joinWorkspace(realtimeUrl(), token, parts.id).then(
      (w) => {
        if (cancelled) return void w.leave();
        joined = w;
        workspaceRef.current = w;
        setWorkspace(w);
      },
      (error: unknown) => !cancelled && clientStore.setState({ notice: toUiError(error) }),
    );
    return () => {
      cancelled = true;
      workspaceRef.current = null;
      setWorkspace(null);
      void joined?.leave();
    };
    // joined once per workspace entered; a refreshed token keeps the joined room
  }, [place]);
  // in a thread's room, that thread is the open one (the thread panels post to it)
  useEffect(() => {
    const parts = placeParts(place);
    if (parts?.kind === 'thread') void ds.openThread(parts.id);
  }, [ds, place]);
  // the open workspace's versions, read through the API (its history is not room state)
  const workspaceHistory = useMemo(() => {
    const parts = placeParts(place);
    if (parts?.kind !== 'workspace') return null;
    return (cursor?: string) => session.api.workspaceHistory(parts.id, cursor);
  }, [place, session.api]);
  const navigation = useMemo<PlaceNavigation>(
    () => ({ place, workspace, enter: setPlace }),
    [place, workspace],
  );

  // the identity's live balance and notifications, from the app's presence channel
  useEffect(() => {
    if (!presence) return;
    const apply = () => {
      const { snapshot, identityId: of } = presence.getState();
      if (snapshot && of === identityId) ds.applyPresence(snapshot);
    };
    apply();
    return presence.subscribe(apply);
  }, [presence, ds, identityId]);

  // a host changed my role: the room applies it live (chat, objects…); the panels follow once the
  // dataspace's `my_role` is read again
  useEffect(() => {
    if (!people) return;
    let seen = people.getState().myAccess;
    return people.subscribe(({ myAccess }) => {
      if (myAccess === seen) return;
      const before = seen;
      seen = myAccess;
      if (before !== null && myAccess !== null) void ds.refreshDataspace();
    });
  }, [people, ds]);

  // entering or leaving VR / AR: the room (and everyone's people list) knows how this page is present
  useEffect(() => {
    if (!people) return;
    const flat =
      typeof matchMedia === 'function' && matchMedia('(pointer: coarse)').matches ? 'mobile' : 'desktop';
    people.setMode(xrStatus === 'immersive-vr' ? 'vr' : xrStatus === 'immersive-ar' ? 'ar' : flat);
  }, [people, xrStatus]);

  // removed from the dataspace (or from the room by a moderator): leave its meeting too
  const ended = status.status === 'closed' && ENDED.has(status.code ?? 0);
  const immersive = xrStatus === 'immersive-vr' || xrStatus === 'immersive-ar';
  useEffect(() => {
    if (ended) void meetings.leave();
  }, [ended, meetings]);
  // ...and out of VR / AR first: the canvas stays until the session has ended, so no frame is
  // presented from a torn-down renderer (then the page says what happened)
  useEffect(() => {
    if (ended && immersive) exitXR();
  }, [ended, immersive]);

  if (failure) return <RoomFailure error={failure} />;
  if (ended && !immersive)
    return <RoomEnded name={dataspace.name} kicked={status.code === ROOM_CLOSE.kicked} />;
  if (!feed || !people) return <RoomFailure entering name={dataspace.name} />;
  return (
    <DataspaceContext.Provider value={ds}>
      <PlaceContext.Provider value={navigation}>
        <App
          feed={feed}
          store={room}
          scene={
            <>
              <Suspense fallback={null}>
                {place === null ? (
                  <SpatialRoom spatial={spatial} dataspace={ds} meetings={meetings} room={room} />
                ) : (
                  <PlaceContext.Provider value={navigation}>
                    <DataspaceContext.Provider value={ds}>
                      <PlaceScene
                        place={place}
                        api={session.api}
                        spatial={spatial}
                        workspace={workspace}
                        immersive={immersive}
                      />
                    </DataspaceContext.Provider>
                  </PlaceContext.Provider>
                )}
              </Suspense>
              {voice && <VoiceAudio session={voice} />}
              {immersive && (
                <DataspaceContext.Provider value={ds}>
                  <Suspense fallback={null}>
                    <ThreadPanel3D />
                    <BureauPanel3D bureau={bureau} dataspace={ds} />
                    <MeetingPanel3D meetings={meetings} />
                    <TokenHud3D />
                    <PeoplePanel3D people={people} voice={voice} />
                    <SharePanel3D fallback={dataspace} />
                  </Suspense>
                </DataspaceContext.Provider>
              )}
            </>
          }
          hud={
            <>
              <RoomHud
                dataspace={dataspace}
                connection={status}
                room={room}
                meetings={meetings}
                spatial={spatial}
                voice={voice}
                people={people}
              />
              <PlaceBar spatial={spatial} />
              {workspace && !immersive && workspaceHistory && (
                <WorkspaceEditor feed={workspace} history={workspaceHistory} />
              )}
            </>
          }
        />
      </PlaceContext.Provider>
    </DataspaceContext.Provider>
  );
}
