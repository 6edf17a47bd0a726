import { Container } from '@react-three/uikit';
import { PanelText } from './panelLod.tsx';
import { named, usePress } from '../threads/named.ts';
import { ACCENT, INK } from './spatialText.ts';
import { roomColors } from './uikitTheme.ts';

/**
 * A button of the XR panels (uikit): pressed with a controller ray or a finger, acting on pointer
 * down-then-up (`usePress`), named for end-to-end tests (`named`).
 */
export function PanelButton3D({
  name,
  label,
  onPress,
  primary = false,
  active = false,
  size = 18,
}: {
  name: string;
  label: string;
  onPress: () => void;
  primary?: boolean;
  active?: boolean;
  size?: number;
}) {
  const press = usePress(onPress);
  const filled = primary || active;
  return (
    <Container
      ref={named(name)}
      backgroundColor={filled ? ACCENT : roomColors.secondary}
      hover={{ backgroundColor: roomColors.ring }}
      borderRadius={8}
      paddingX={12}
      paddingY={7}
      cursor="pointer"
      flexShrink={0}
      {...press}
    >
      <PanelText fontSize={size} color={filled ? roomColors.primaryForeground : INK}>
        {label}
      </PanelText>
    </Container>
  );
}
