'use client';

import { useCallback, useEffect, useRef, useState } from 'react';

/**
 * Runs work once what the caller has just set (a new secret's value, a row shown active) has been rendered:
 * the page's refresh, a toast. Called at once, their own rendering and bookkeeping in the browser came first,
 * and the answer the person waits for was drawn after them.
 */
export function useAfterRender(): (work: () => void) => void {
  const queue = useRef<(() => void)[]>([]);
  const [requests, setRequests] = useState(0);
  useEffect(() => {
    if (requests === 0) return;
    for (const work of queue.current.splice(0)) work();
  }, [requests]);
  return useCallback((work: () => void) => {
    queue.current.push(work);
    setRequests((n) => n + 1);
  }, []);
}
