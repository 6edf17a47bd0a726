import { useFrame } from '@react-three/fiber';
import { Container, Text } from '@react-three/uikit';
import type { TFunction } from 'i18next';
import { useEffect, useLayoutEffect, useMemo, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { errorText } from '../i18n/uiError.ts';
import {
  Color,
  CylinderGeometry,
  InstancedMesh,
  Matrix4,
  MeshLambertMaterial,
  Vector3,
  type Group,
} from 'three';
import { useStore } from 'zustand';
import type { MeetingsStore } from '../meetings/meetingStore.ts';
import { seatStates, tableSeats, type SeatState } from './spatialLayout.ts';
import { ACCENT, ERROR, INK, MUTED, panelFontProps } from './spatialText.ts';

export const TABLE_RADIUS_M = 0.9;
export const TABLE_HEIGHT_M = 0.74;
export const SEAT_RADIUS_M = 1.3;
export const SEAT_COLORS = {
  idle: '#9aa5b8',
  self: '#4f8cff',
  hand: '#ff7a00',
  speaking: '#f5b700',
} as const;

const seatGeometry = new CylinderGeometry(0.22, 0.22, 0.46, 20).translate(0, 0.23, 0);
const seatMaterial = new MeshLambertMaterial({ color: '#ffffff' });
const _m = new Matrix4();
const _c = new Color();
const _camera = new Vector3();
const MIN_FACING_DISTANCE_M = 0.3;
const _label = new Vector3();

/** The colour a seat shows: the speaker first, then a raised hand, then one's own seat. */
export function seatColor(s: SeatState): string {
  if (s.speaking) return SEAT_COLORS.speaking;
  if (s.handRaised) return SEAT_COLORS.hand;
  return s.self ? SEAT_COLORS.self : SEAT_COLORS.idle;
}

function seatLabel(s: SeatState, t: TFunction): string {
  if (s.speaking) return `${s.name} · ${t('meetings.speakingBadge')}`;
  if (s.handRaised)
    return s.queue > 0
      ? `${s.name} · ${t('meetings.handUp')} #${s.queue}`
      : `${s.name} · ${t('meetings.handUp')}`;
  return s.name;
}

/**
 * The meeting table of a meeting room (centred on its group): shown when the dataspace has meetings;
 * once a meeting is joined, one seat per participant of its MeetingRoom (ONE instanced mesh), the
 * speaker's and raised hands' seats highlighted, names and queue places over the seats. Labels turn
 * to the viewer every frame (no allocation: module scratch vectors).
 */
export function MeetingTable({ meetings }: { meetings: MeetingsStore }) {
  const { t, i18n } = useTranslation();
  const list = useStore(meetings, (s) => s.meetings);
  const live = useStore(meetings, (s) => s.live);
  const error = useStore(meetings, (s) => s.error);
  const seats = useMemo(() => (live ? seatStates(live) : []), [live]);
  const places = useMemo(() => tableSeats(seats.length, SEAT_RADIUS_M), [seats.length]);
  const mesh = useMemo(() => {
    const m = new InstancedMesh(seatGeometry, seatMaterial, Math.max(1, seats.length));
    m.name = 'meeting-seats';
    m.count = 0;
    return m;
  }, [seats.length]);
  useEffect(() => () => mesh.dispose(), [mesh]);
  useLayoutEffect(() => {
    seats.forEach((s, i) => {
      const p = places[i]!;
      mesh.setMatrixAt(i, _m.makeTranslation(p.x, 0, p.z));
      mesh.setColorAt(i, _c.set(seatColor(s)));
    });
    mesh.count = seats.length;
    mesh.userData.sessionIds = seats.map((s) => s.sessionId);
    mesh.instanceMatrix.needsUpdate = true;
    if (mesh.instanceColor) mesh.instanceColor.needsUpdate = true;
    mesh.computeBoundingSphere();
  }, [seats, places, mesh]);

  const labels = useRef<(Group | null)[]>([]);
  useFrame(({ camera }) => {
    camera.getWorldPosition(_camera);
    const list = labels.current;
    for (let i = 0; i < list.length; i++) {
      const g = list[i];
      if (!g) continue;
      g.getWorldPosition(_label);
      const dx = _camera.x - _label.x;
      const dz = _camera.z - _label.z;
      // right under or over a label there is no side to face: keep the last turn
      if (dx * dx + dz * dz > MIN_FACING_DISTANCE_M * MIN_FACING_DISTANCE_M)
        g.rotation.y = Math.atan2(dx, dz);
    }
  });

  if (list.length === 0 && !live) return null;
  const speaker = live?.participants.find((p) => p.sessionId === live.speaker)?.displayName ?? null;
  const queue = live
    ? live.speakerQueue.map((id) => live.participants.find((p) => p.sessionId === id)?.displayName ?? '—')
    : [];
  const next = list.find((m) => m.status === 'live') ?? list.find((m) => m.status === 'scheduled') ?? list[0];
  return (
    <group name="meeting-table">
      <mesh name="meeting-table-top" position={[0, TABLE_HEIGHT_M - 0.025, 0]}>
        <cylinderGeometry args={[TABLE_RADIUS_M, TABLE_RADIUS_M, 0.05, 48]} />
        <meshLambertMaterial color="#b08968" />
      </mesh>
      <mesh position={[0, (TABLE_HEIGHT_M - 0.05) / 2, 0]}>
        <cylinderGeometry args={[0.12, 0.3, TABLE_HEIGHT_M - 0.05, 16]} />
        <meshLambertMaterial color="#7f5539" />
      </mesh>
      <primitive object={mesh} />
      <group
        name="meeting-title"
        ref={(g: Group | null) => void (labels.current[0] = g)}
        position={[0, TABLE_HEIGHT_M + 0.5, 0]}
      >
        <Container {...panelFontProps()} flexDirection="column" alignItems="center" gap={6}>
          <Text fontSize={40} fontWeight="semi-bold" color={INK}>
            {live ? live.title : (next?.title ?? t('spatial.meeting'))}
          </Text>
          <Text fontSize={26} color={live ? ACCENT : MUTED}>
            {live
              ? speaker
                ? t('spatial.speaking', { name: speaker })
                : t('spatial.nobody')
              : t('spatial.joinHint')}
          </Text>
          {queue.length > 0 && (
            <Text fontSize={24} color={SEAT_COLORS.hand}>
              {t('spatial.queue', { names: queue.join(', ') })}
            </Text>
          )}
          {error && (
            <Text fontSize={24} color={ERROR}>
              {errorText(t, i18n, error)}
            </Text>
          )}
        </Container>
      </group>
      {seats.map((s, i) => (
        <group
          key={s.sessionId}
          name={`meeting-seat-${s.sessionId}`}
          ref={(g: Group | null) => void (labels.current[i + 1] = g)}
          position={[places[i]!.x, 0.95, places[i]!.z]}
          userData={{ speaking: s.speaking, handRaised: s.handRaised }}
        >
          <Container
            {...panelFontProps()}
            backgroundColor={seatColor(s)}
            borderRadius={10}
            paddingX={14}
            paddingY={6}
          >
            <Text fontSize={22} fontWeight="semi-bold" color="#ffffff">
              {seatLabel(s, t)}
            </Text>
          </Container>
        </group>
      ))}
    </group>
  );
}
