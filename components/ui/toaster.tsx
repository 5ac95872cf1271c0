import type { CSSProperties } from 'react';
import { Toaster as Sonner } from 'sonner';

// Sonner's rich colours put text on its pale backgrounds at about 3:1 to 4.4:1; these shades (Tailwind's
// 800s and red-700) reach at least 5.8:1, above WCAG's 4.5:1 for text of this size.
const READABLE_COLORS = {
  '--success-text': '#166534',
  '--info-text': '#1e40af',
  '--warning-text': '#92400e',
  '--error-text': '#b91c1c',
} as CSSProperties;

/** Where toasts appear: top right, coloured by kind, each with a close button. */
export function Toaster() {
  return <Sonner position="top-right" richColors closeButton style={READABLE_COLORS} />;
}
