import { Button as AriaButton, type ButtonProps as AriaButtonProps } from 'react-aria-components';

export type ButtonVariant = 'primary' | 'secondary' | 'quiet' | 'danger';

export interface ButtonProps extends Omit<AriaButtonProps, 'className'> {
  readonly variant?: ButtonVariant;
  readonly size?: 'sm' | 'md';
  readonly className?: string;
}

/**
 * The app's button: React Aria's (press, keyboard and focus-visible handled for every input: mouse,
 * touch, keyboard, screen readers), styled from the design tokens by variant (`styles/kit.css`).
 */
export function Button({ variant = 'secondary', size = 'md', className, ...props }: ButtonProps) {
  return (
    <AriaButton
      {...props}
      className={['btn', `btn-${variant}`, `btn-${size}`, className].filter(Boolean).join(' ')}
    />
  );
}
