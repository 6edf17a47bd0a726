import { Button as AriaButton, Menu, MenuItem, MenuTrigger, Popover } from 'react-aria-components';

export interface MenuAction {
  readonly id: string;
  readonly label: string;
  readonly danger?: boolean;
  readonly onAction: () => void;
}

/** A "⋯" button opening a menu of actions on one item (React Aria: keyboard, typeahead, focus). */
export function ActionMenu({ label, actions }: { label: string; actions: readonly MenuAction[] }) {
  return (
    <MenuTrigger>
      <AriaButton className="btn btn-quiet btn-sm icon-button" aria-label={label}>
        <span aria-hidden="true">⋯</span>
      </AriaButton>
      <Popover className="popover" placement="bottom end">
        <Menu
          className="menu"
          items={actions}
          onAction={(key) => actions.find((a) => a.id === key)?.onAction()}
        >
          {(a) => (
            <MenuItem id={a.id} className={a.danger ? 'menu-item menu-item-danger' : 'menu-item'}>
              {a.label}
            </MenuItem>
          )}
        </Menu>
      </Popover>
    </MenuTrigger>
  );
}
