import { Container } from '@react-three/uikit';
import { PanelText } from '../spatial/panelLod.tsx';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ACCENT, BORDER, INK, SURFACE_ACTIVE } from '../spatial/spatialText.ts';
import { roomColors } from '../spatial/uikitTheme.ts';
import { named, usePress } from './named.ts';

/** Keys by row; French letters on their own row so a headset user can write either language. */
const ROWS: readonly string[] = ['1234567890', 'qwertyuiop', "asdfghjkl'", 'zxcvbnm,.?', 'éèàçêù-:!@'];
const KEY_PX = 46;

/** Longest text the keyboard builds (a thread message's cap is the API's; this keeps the panel readable). */
export const KEYBOARD_MAX_CHARS = 500;

/**
 * A virtual keyboard on a 3D panel (uikit): the headset has no keyboard a page can read, so letters,
 * shift, space and backspace are keys pressed with a controller ray or a finger. Each key is named
 * `<prefix>-<char>` (space `<prefix>-space`, `<prefix>-shift`, `<prefix>-backspace`; prefix `xr-key`
 * unless given) for end-to-end tests.
 */
export function VirtualKeyboard3D({
  value,
  onChange,
  prefix = 'xr-key',
  maxLength = KEYBOARD_MAX_CHARS,
}: {
  value: string;
  onChange: (next: string) => void;
  /** Names the keys `<prefix>-<char>`: several keyboards may be open in one scene. */
  prefix?: string;
  maxLength?: number;
}) {
  const { t } = useTranslation();
  const [shift, setShift] = useState(false);
  const type = (char: string) => {
    if (value.length >= maxLength) return;
    onChange(value + (shift ? char.toUpperCase() : char));
    setShift(false);
  };
  return (
    <Container flexDirection="column" gap={6} alignItems="center">
      {ROWS.map((row) => (
        <Container key={row} flexDirection="row" gap={6}>
          {[...row].map((char) => (
            <Key
              key={char}
              name={`${prefix}-${char}`}
              label={shift ? char.toUpperCase() : char}
              onPress={() => type(char)}
            />
          ))}
        </Container>
      ))}
      <Container flexDirection="row" gap={6}>
        <Key
          name={`${prefix}-shift`}
          label={t('xrKeyboard.shift')}
          width={110}
          active={shift}
          onPress={() => setShift(!shift)}
        />
        <Key name={`${prefix}-space`} label={t('xrKeyboard.space')} width={260} onPress={() => type(' ')} />
        <Key
          name={`${prefix}-backspace`}
          label={t('xrKeyboard.backspace')}
          width={110}
          onPress={() => onChange([...value].slice(0, -1).join(''))}
        />
      </Container>
    </Container>
  );
}

function Key({
  name,
  label,
  onPress,
  width = KEY_PX,
  active = false,
}: {
  name: string;
  label: string;
  onPress: () => void;
  width?: number;
  active?: boolean;
}) {
  const press = usePress(onPress);
  return (
    <Container
      ref={named(name)}
      width={width}
      height={KEY_PX}
      alignItems="center"
      justifyContent="center"
      borderRadius={8}
      borderWidth={1}
      borderColor={BORDER}
      backgroundColor={active ? ACCENT : SURFACE_ACTIVE}
      hover={{ backgroundColor: roomColors.ring }}
      cursor="pointer"
      {...press}
    >
      {/* too small to read (a far panel): the key without its letter, one quad fewer per key */}
      <PanelText fontSize={20} lines={width !== KEY_PX} color={active ? roomColors.primaryForeground : INK}>
        {label}
      </PanelText>
    </Container>
  );
}
