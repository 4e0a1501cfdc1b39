// Light and dark themes are two sets of the same CSS variables (styles.css, `[data-theme=light]`);
// the choice lives in localStorage so it survives a reload and a restart.

export type Theme = 'dark' | 'light'

export const THEME_KEY = 'mechanica.theme'

export function loadTheme(storage: Pick<Storage, 'getItem'> = localStorage): Theme {
  return storage.getItem(THEME_KEY) === 'light' ? 'light' : 'dark'
}

export function saveTheme(theme: Theme, storage: Pick<Storage, 'setItem'> = localStorage): void {
  storage.setItem(THEME_KEY, theme)
}

/** Switches every CSS variable at once; charts read them when they are created. */
export function applyTheme(theme: Theme, root: HTMLElement = document.documentElement): void {
  root.dataset.theme = theme
  root.style.colorScheme = theme
}
