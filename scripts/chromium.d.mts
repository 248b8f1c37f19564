/** The Chromium binary for the browser tests: CHROMIUM_PATH, or Debian's; null when there is none. */
export function findChromium(): string | null;
/** As findChromium, installing Debian's chromium (and a Chinese font) when missing; throws if it cannot. */
export function ensureChromium(): string;
