import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { locomotion } from '../app/clientStore.ts';
import { attachJoystick } from '../controls/attachJoystick.ts';

/** The walk joystick of touch screens (bottom left); look by dragging anywhere else. */
export function TouchJoystick() {
  const { t } = useTranslation();
  const base = useRef<HTMLDivElement>(null);
  const knob = useRef<HTMLDivElement>(null);
  useEffect(() => attachJoystick(base.current!, knob.current!, locomotion), []);
  return (
    <div ref={base} className="joystick" role="group" aria-label={t('room.joystick')}>
      <div ref={knob} className="joystick-knob" />
    </div>
  );
}
