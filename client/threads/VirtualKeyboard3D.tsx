import { Container } from '@react-three/uikit';
import { PanelButton3D } from '../spatial/PanelButton3D.tsx';
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

/** The UTF-16 index one character (code point) before `at` in `text`. */
function stepBack(text: string, at: number): number {
  if (at <= 0) return 0;
  const low = text.charCodeAt(at - 1);
  return at >= 2 && low >= 0xdc00 && low <= 0xdfff ? at - 2 : at - 1;
}

/** The UTF-16 index one character (code point) after `at` in `text`. */
function stepForward(text: string, at: number): number {
  if (at >= text.length) return text.length;
  const high = text.charCodeAt(at);
  return at + 2 <= text.length && high >= 0xd800 && high <= 0xdbff ? at + 2 : at + 1;
}

/**
 * A virtual keyboard on a 3D panel (uikit): the headset has no keyboard a page can read, so letters,
 * shift, space and backspace are keys pressed with a controller ray or a finger. Each key is named
 * `<prefix>-<char>` (space `<prefix>-space`, `<prefix>-shift`, `<prefix>-backspace`; prefix `xr-key`
 * unless given) for end-to-end tests. With `caret`, it types where the caret stands (a UTF-16
 * index, as a textarea's) and has ‹ and › keys (`<prefix>-left`, `<prefix>-right`) to move it;
 * without, it types at the end.
 */
export function VirtualKeyboard3D({
  value,
  onChange,
  caret,
  prefix = 'xr-key',
  maxLength = KEYBOARD_MAX_CHARS,
}: {
  value: string;
  /** The new text and where the caret stands in it. */
  onChange: (next: string, caret: number) => void;
  /**
   * Typing at a caret (a shared text): `read` gives the text and the caret as they are when a key is
   * pressed (others' edits may have arrived since this render, and several presses may come before
   * the next one), so keys type into the newest text and nobody's edit is overwritten; `onCaret`
   * says where the caret goes (‹ and › keys). Without it, keys type at the end of `value`.
   */
  caret?: { read: () => { text: string; caret: number }; onCaret: (caret: number) => void };
  /** Names the keys `<prefix>-<char>`: several keyboards may be open in one scene. */
  prefix?: string;
  maxLength?: number;
}) {
  const { t } = useTranslation();
  const [shift, setShift] = useState(false);
  // the text now, and the caret in it, clamped: someone else's edit may have shortened the text
  const now = () => {
    if (!caret) return { text: value, at: value.length };
    const { text, caret: at } = caret.read();
    return { text, at: Math.min(Math.max(at, 0), text.length) };
  };
  const type = (char: string) => {
    const { text, at } = now();
    if (text.length >= maxLength) return;
    const typed = shift ? char.toUpperCase() : char;
    onChange(text.slice(0, at) + typed + text.slice(at), at + typed.length);
    setShift(false);
  };
  const erase = () => {
    const { text, at } = now();
    const from = stepBack(text, at);
    onChange(text.slice(0, from) + text.slice(at), from);
  };
  const move = (step: typeof stepBack) => {
    const { text, at } = now();
    caret?.onCaret(step(text, at));
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
        {caret && <Key name={`${prefix}-left`} label="‹" onPress={() => move(stepBack)} />}
        <Key name={`${prefix}-space`} label={t('xrKeyboard.space')} width={260} onPress={() => type(' ')} />
        {caret && <Key name={`${prefix}-right`} label="›" onPress={() => move(stepForward)} />}
        <Key name={`${prefix}-backspace`} label={t('xrKeyboard.backspace')} width={110} onPress={erase} />
      </Container>
    </Container>
  );
}

/**
 * A short text typed on the virtual keyboard, then sent or not: the keyboard (keys `<name>-key-…`)
 * and a row with Cancel (`<name>-cancel`) and the send button (`<name>-send`, `sendLabel`), as the
 * room chat and the invitation panel use it.
 */
export function KeyboardForm3D({
  name,
  value,
  onChange,
  maxLength,
  sendLabel,
  onCancel,
  onSend,
}: {
  name: string;
  value: string;
  onChange: (next: string) => void;
  maxLength: number;
  sendLabel: string;
  onCancel: () => void;
  onSend: () => void;
}) {
  const { t } = useTranslation();
  return (
    <>
      <VirtualKeyboard3D value={value} onChange={onChange} prefix={`${name}-key`} maxLength={maxLength} />
      <Container flexDirection="row" gap={8} justifyContent="flex-end">
        <PanelButton3D name={`${name}-cancel`} label={t('common.cancel')} onPress={onCancel} />
        <PanelButton3D name={`${name}-send`} label={sendLabel} primary onPress={onSend} />
      </Container>
    </>
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
