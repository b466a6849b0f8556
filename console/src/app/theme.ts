// Mantine theme: one primary colour, system fonts, inputs that show their labels, and colours that meet WCAG 2.2
// AA contrast (1.4.3: 4.5:1 for text) everywhere: Mantine's defaults do not (dimmed grey #868e96 on white is
// 3.3:1, white on indigo-6 4.3:1, green-9 on green-1 badges 3.8:1). The browser tests run axe-core on every page.
import { type CSSVariablesResolver, createTheme, DEFAULT_THEME } from '@mantine/core';

/** WCAG relative luminance of a #rrggbb colour. */
function luminance(hex: string): number {
  const channel = (i: number) => {
    const c = Number.parseInt(hex.slice(1 + 2 * i, 3 + 2 * i), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * channel(0) + 0.7152 * channel(1) + 0.0722 * channel(2);
}

function contrast(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

function darken(hex: string, by: number): string {
  const part = (i: number) =>
    Math.round(Number.parseInt(hex.slice(1 + 2 * i, 3 + 2 * i), 16) * (1 - by))
      .toString(16)
      .padStart(2, '0');
  return `#${part(0)}${part(1)}${part(2)}`;
}

/** `hex`, darkened just enough to reach 4.6:1 (a margin over 4.5) against every background given. */
function readableOn(hex: string, backgrounds: string[]): string {
  for (let by = 0; by < 0.9; by += 0.05) {
    const candidate = darken(hex, by);
    if (backgrounds.every((bg) => contrast(candidate, bg) >= 4.6)) return candidate;
  }
  return '#000000';
}

const white = '#ffffff';
const palette = DEFAULT_THEME.colors;
const gray = palette.gray;

/**
 * Light-scheme text colours: `c="green"`, light and outline variants (badges, subtle buttons, menu items) use a
 * shade of each colour readable on white, on the page's light grey and on that colour's own light background.
 */
const resolver: CSSVariablesResolver = () => {
  const light: Record<string, string> = {
    '--mantine-color-dimmed': gray[7],
    '--mantine-color-placeholder': gray[6],
  };
  for (const [name, shades] of Object.entries(palette)) {
    if (name === 'dark') continue;
    const readable = readableOn(shades[9], [white, gray[0], shades[1]]);
    light[`--mantine-color-${name}-light-color`] = readable;
    light[`--mantine-color-${name}-text`] = readableOn(shades[8], [white, gray[0], shades[1]]);
    light[`--mantine-color-${name}-outline`] = readable;
  }
  light['--mantine-color-anchor'] = readableOn(palette.indigo[8], [white, gray[0], palette.indigo[1]]);
  return { variables: {}, light, dark: {} };
};

export const cssVariablesResolver = resolver;

export const theme = createTheme({
  primaryColor: 'indigo',
  // Filled buttons and badges: indigo-8 under white text is 5.6:1 (indigo-6 was 4.3:1).
  primaryShade: { light: 8, dark: 8 },
  // Black or white text on a filled colour, whichever contrasts more: the crossover is at luminance 0.179.
  autoContrast: true,
  luminanceThreshold: 0.179,
  defaultRadius: 'sm',
  fontFamily: 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif',
  headings: { fontWeight: '600' },
});
