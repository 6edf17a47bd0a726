import { Link, Tab, TabList, TabPanel, Tabs, type Key } from 'react-aria-components';
import { useTranslation } from 'react-i18next';
import { useStore } from 'zustand';
import { ROOM_CLOSE } from '../../shared/protocol/spatialProtocol.ts';
import type { Dataspace } from '../api/chenuApi.ts';
import { clientStore } from '../app/clientStore.ts';
import { LocaleSwitch } from '../app/LocaleSwitch.tsx';
import { paths } from '../app/routes.ts';
import { ThemeSwitch } from '../app/ThemeSwitch.tsx';
import { ActivityPanel } from '../hud/ActivityPanel.tsx';
import { DOCK_TABS, hudStore, setDockOpen, showHint, showTab, type DockTab } from '../hud/hudStore.ts';
import { TokenHud } from '../hud/TokenHud.tsx';
import { MeetingsPanel } from '../meetings/MeetingsPanel.tsx';
import type { MeetingsStore } from '../meetings/meetingStore.ts';
import { MemoryPanel } from '../memory/MemoryPanel.tsx';
import type { FeedStatusState } from '../net/colyseusRoomFeed.ts';
import type { SpatialStore } from '../spatial/spatialStore.ts';
import { SpatialNotice } from '../spatial/SpatialNotice.tsx';
import type { RoomStore } from '../state/roomStore.ts';
import { ThreadPanel } from '../threads/ThreadPanel.tsx';
import { Button } from '../ui/Button.tsx';
import { XRButtons } from '../ui/XRButtons.tsx';
import { VoicePanel } from '../voice/VoicePanel.tsx';
import type { VoiceSession } from '../voice/voiceSession.ts';
import { voiceStore } from '../voice/voiceStore.ts';
import { WorkspacesPanel } from '../workspaces/WorkspacesPanel.tsx';
import { PeoplePanel } from '../people/PeoplePanel.tsx';
import type { PeopleStore } from '../people/peopleStore.ts';
import { InboxButton } from '../sharing/InboxButton.tsx';
import { ShareButton } from '../sharing/ShareButton.tsx';
import { useDataspace } from './DataspaceContext.ts';
import { HintCard } from './HintCard.tsx';

/**
 * Who else is in the room, in their identity colours (one entry per identity, with its devices): a
 * button that opens the people tab, where each shows with their role, and the chat.
 */
function People({ room }: { room: RoomStore }) {
  const { t } = useTranslation();
  const others = useStore(room, (s) => s.avatars);
  const people = new Map<string, { name: string; color: string; devices: number }>();
  for (const a of others) {
    const known = people.get(a.identityId);
    if (known) known.devices++;
    else people.set(a.identityId, { name: a.displayName, color: a.color, devices: 1 });
  }
  return (
    <Button variant="quiet" size="sm" className="participants" onPress={() => showTab('people')}>
      <span className="visually-hidden">{t('room.participants')}</span>
      {people.size === 0 ? (
        <span className="muted">{t('room.alone')}</span>
      ) : (
        [...people].map(([id, p]) => (
          <span key={id} className="participant">
            <span className="dot" style={{ background: p.color }} aria-hidden="true" />
            {p.name}
            {p.devices > 1 && <span className="muted"> ×{p.devices}</span>}
          </span>
        ))
      )}
    </Button>
  );
}

/**
 * The room's HUD (desktop and mobile): a bar along the top (back home, the dataspace, tokens, who is
 * here, sharing, invitations, connection, Enter VR / AR, language, theme, help) and ONE dock on the
 * left whose tabs hold the thread, people and chat, the voice (lobby, then controls), meetings,
 * workspaces, memory and activity; it collapses to a rail and every tab scrolls on its own, so the
 * room's centre is never covered. Hidden while presenting in XR.
 */
export function RoomHud({
  dataspace,
  connection,
  room,
  meetings,
  spatial,
  people,
  voice = null,
}: {
  dataspace: Dataspace;
  connection: FeedStatusState;
  room: RoomStore;
  meetings: MeetingsStore;
  spatial: SpatialStore;
  people: PeopleStore;
  voice?: VoiceSession | null;
}) {
  const { t } = useTranslation();
  // the dataspace as last read (a role a host changed shows without a reload)
  const live = useDataspace((s) => s.dataspace) ?? dataspace;
  const xrStatus = useStore(clientStore, (s) => s.xrStatus);
  const dockOpen = useStore(hudStore, (s) => s.dockOpen);
  const tab = useStore(hudStore, (s) => s.tab);
  const hint = useStore(hudStore, (s) => s.hint);
  const immersive = xrStatus === 'immersive-vr' || xrStatus === 'immersive-ar';
  const connectionText =
    connection.status === 'reconnecting'
      ? t('room.reconnecting')
      : connection.status === 'closed'
        ? connection.code === ROOM_CLOSE.kicked
          ? t('room.kicked')
          : connection.code === ROOM_CLOSE.tokenExpired
            ? t('room.tokenExpired')
            : connection.code === ROOM_CLOSE.accessEnded
              ? t('room.accessEnded')
              : t('room.disconnected')
        : null;
  return (
    <div className="room-hud" data-immersive={immersive}>
      <header className="room-bar">
        <Link href={paths.home()} className="btn btn-quiet btn-sm" aria-label={t('room.backLabel')}>
          ← {t('nav.dataspaces')}
        </Link>
        <h1 className="room-title">{dataspace.name}</h1>
        <TokenHud />
        <People room={room} />
        <ShareButton dataspace={live} size="sm" hostsOnly />
        <InboxButton size="sm" hideWhenEmpty />
        {connectionText && (
          <span className="connection" role="status">
            {connectionText}
          </span>
        )}
        <span className="room-bar-end">
          <XRButtons />
          <LocaleSwitch />
          <ThemeSwitch />
          <Button variant="quiet" size="sm" aria-label={t('hint.open')} onPress={showHint}>
            ?
          </Button>
        </span>
      </header>
      <aside className="dock" data-open={dockOpen} aria-label={t('dock.label')}>
        <Tabs
          selectedKey={tab}
          onSelectionChange={(key: Key) => showTab(key as DockTab)}
          orientation="vertical"
          className="dock-tabs"
        >
          <div className="dock-rail">
            <Button
              variant="quiet"
              size="sm"
              className="dock-toggle"
              aria-label={dockOpen ? t('dock.collapse') : t('dock.expand')}
              aria-expanded={dockOpen}
              onPress={() => setDockOpen(!dockOpen)}
            >
              {dockOpen ? '«' : '»'}
            </Button>
            <TabList aria-label={t('dock.label')} className="dock-tablist">
              {DOCK_TABS.map((id) => (
                <Tab key={id} id={id} className="dock-tab">
                  {t(`dock.tabs.${id}`)}
                </Tab>
              ))}
            </TabList>
          </div>
          {dockOpen && (
            <>
              <TabPanel id="thread" className="dock-panel">
                <ThreadPanel />
              </TabPanel>
              <TabPanel id="people" className="dock-panel">
                <PeoplePanel people={people} />
              </TabPanel>
              <TabPanel id="voice" className="dock-panel">
                {voice && <VoicePanel store={voiceStore} session={voice} />}
              </TabPanel>
              <TabPanel id="meetings" className="dock-panel">
                <MeetingsPanel meetings={meetings} />
              </TabPanel>
              <TabPanel id="workspaces" className="dock-panel">
                <WorkspacesPanel spatial={spatial} />
              </TabPanel>
              <TabPanel id="memory" className="dock-panel">
                <MemoryPanel spatial={spatial} />
              </TabPanel>
              <TabPanel id="activity" className="dock-panel">
                <ActivityPanel />
              </TabPanel>
            </>
          )}
        </Tabs>
      </aside>
      <SpatialNotice spatial={spatial} />
      {hint && !immersive && <HintCard />}
    </div>
  );
}
