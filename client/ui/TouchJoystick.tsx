import { useEffect, useRef } from 'react';
import { locomotion } from '../app/clientStore.ts';
import { attachJoystick } from '../controls/attachJoystick.ts';

/** The walk joystick of touch screens (bottom left); look by dragging anywhere else. */
export function TouchJoystick() {
  const base = useRef<HTMLDivElement>(null);
  const knob = useRef<HTMLDivElement>(null);
  useEffect(() => attachJoystick(base.current!, knob.current!, locomotion), []);
  return (
    <div ref={base} className="joystick" aria-label="Walk">
      <div ref={knob} className="joystick-knob" />
    </div>
  );
}
