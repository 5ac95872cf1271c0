'use client';

import { useRouter } from 'next/navigation';
import { useCallback, useEffect, useState } from 'react';

/**
 * router.refresh(), started once what the caller has just set (a new secret's value, a row shown active) has
 * been rendered: called at once, the refresh's own work in the browser came before that render.
 */
export function useRefreshAfterRender(): () => void {
  const router = useRouter();
  const [requests, setRequests] = useState(0);
  useEffect(() => {
    if (requests > 0) router.refresh();
  }, [requests, router]);
  return useCallback(() => setRequests((n) => n + 1), []);
}
