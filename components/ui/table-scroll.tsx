'use client';

import { useEffect, useRef, useState, type ReactNode } from 'react';

/**
 * Lets a table scroll sideways inside its card on a narrow screen. While it does, the scrolling box takes
 * keyboard focus, so that the columns out of sight can be reached with the arrow keys as well as by
 * touch (WCAG 2.1.1), and is named after the table's caption.
 */
export function TableScroll({ children }: { children: ReactNode }) {
  const ref = useRef<HTMLDivElement>(null);
  const [scrolling, setScrolling] = useState<{ caption: string | null } | null>(null);

  useEffect(() => {
    const box = ref.current;
    if (!box) return;
    const measure = () =>
      setScrolling(
        box.scrollWidth > box.clientWidth ? { caption: box.querySelector('caption')?.textContent ?? null } : null,
      );
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(box);
    for (const child of box.children) observer.observe(child);
    return () => observer.disconnect();
  }, []);

  const reachable = scrolling
    ? { tabIndex: 0, ...(scrolling.caption ? { role: 'region', 'aria-label': scrolling.caption } : {}) }
    : {};
  return (
    <div
      ref={ref}
      className="overflow-x-auto focus-visible:outline-2 focus-visible:-outline-offset-2 focus-visible:outline-indigo-600"
      {...reachable}
    >
      {children}
    </div>
  );
}
